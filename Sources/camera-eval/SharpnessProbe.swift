import CameraVision

/// Prints the diagnosis measures of generated frames, to see where thresholds must sit.
struct SharpnessProbe {
    var width: Int
    var height: Int

    func run() {
        guard let encoder = JPEGEncoder(), let decoder = JPEGDecoder() else { fatalError("libjpeg") }
        var kitchen = SyntheticKitchen(width: width, height: height, seed: 3)
        let config = CameraVisionConfig()
        print("| frame | mean | near black | contrast | sharpness |")
        print("| --- | ---: | ---: | ---: | ---: |")
        var cases: [(String, SceneConditions, Bool)] = [
            ("day", .day, true), ("night", .night, false), ("covered", SceneConditions(lensCovered: true), true),
        ]
        for radius in [1, 2, 3, 4, 6] {
            cases.append(("day defocus r=\(radius)", SceneConditions(defocusRadius: radius), true))
            cases.append(("night defocus r=\(radius)", SceneConditions(lighting: 0.45, offset: 8, noiseSigma: 4, defocusRadius: radius), false))
        }
        for (name, conditions, operating) in cases {
            let jpeg = try! kitchen.jpeg(conditions, encoder: encoder)
            let frame = try! decoder.decodeGray(jpeg, options: .analysis(config.decodeScale(forWidth: width, operating: operating)))
            var monitor = VideoQualityMonitor()
            _ = monitor.observe(frame, at: 0, operating: operating)
            let m = monitor.lastMeasurements!
            print("| \(name) | \(r(m.meanLuminance)) | \(r(m.nearBlackFraction)) | \(r(m.contrast)) | \(r(m.sharpness)) |")
        }
    }

    private func r(_ value: Double) -> String { "\((value * 1000).rounded() / 1000)" }
}
