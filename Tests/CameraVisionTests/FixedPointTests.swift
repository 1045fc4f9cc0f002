@testable import CameraVision
import Testing

/// The night-motion background model runs in Q6 fixed point (16-bit lanes). These tests hold it
/// to the plain `Float` definitions it replaced, on real decoded frames and on the arithmetic's
/// extreme values.
@Suite("Fixed-point background model agrees with the Float definitions")
struct FixedPointTests {
    /// The `Float` model as it was: the reference.
    struct FloatModel {
        var mean: [Float]
        let width: Int

        init(_ frame: Plane) {
            mean = frame.pixels.map(Float.init)
            width = frame.width
        }

        mutating func blend(_ frame: Plane, weight: Float) {
            for index in mean.indices { mean[index] += weight * (Float(frame.pixels[index]) - mean[index]) }
        }

        func fit(_ frame: Plane) -> PhotometricFit {
            var n = 0.0, b = 0.0, f = 0.0, bb = 0.0, bf = 0.0
            for y in stride(from: 2, to: frame.height, by: 4) {
                for x in stride(from: 2, to: width, by: 4) {
                    let background = Double(mean[y * width + x]), value = Double(frame[x, y])
                    n += 1; b += background; f += value; bb += background * background; bf += background * value
                }
            }
            let gain = (n * bf - b * f) / (n * bb - b * b)
            return PhotometricFit(gain: Float(gain), offset: Float((f - gain * b) / n))
        }

        func residual(_ frame: Plane, _ index: Int, _ fit: PhotometricFit) -> Float {
            Float(frame.pixels[index]) - (fit.gain * mean[index] + fit.offset)
        }

        func threshold(_ frame: Plane, _ fit: PhotometricFit) -> Float {
            var bins = [Int](repeating: 0, count: 256), samples = 0
            for y in stride(from: 3, to: frame.height, by: 4) {
                for x in stride(from: 0, to: width, by: 2) {
                    bins[min(255, Int(abs(residual(frame, y * width + x, fit))))] += 1
                    samples += 1
                }
            }
            var seen = 0, median = 0
            while median < 255, seen + bins[median] < samples / 2 {
                seen += bins[median]
                median += 1
            }
            return max(14, 4 * 1.4826 * (Float(median) + 0.5))
        }

        mutating func segmentAndLearn(_ frame: Plane, _ fit: PhotometricFit, _ threshold: Float) -> [UInt8] {
            var mask = [UInt8](repeating: 0, count: mean.count)
            for index in mean.indices {
                let foreground = abs(residual(frame, index, fit)) >= threshold
                mask[index] = foreground ? 1 : 0
                mean[index] += (foreground ? 0.005 : 0.05) * (Float(frame.pixels[index]) - mean[index])
            }
            return mask
        }
    }

    /// Night frames at the working size of 720p (640×360), through JPEG and libjpeg as a camera's
    /// would come: noise, a rodent crossing and a person walking in.
    static func nightFrames() throws -> [Plane] {
        var kitchen = SyntheticKitchen(width: 640, height: 360, seed: 5)
        let encoder = try #require(JPEGEncoder())
        let decoder = try #require(JPEGDecoder())
        return try (0..<16).map { index in
            var conditions = SceneConditions.night
            if index >= 5 { conditions.objects.append(.rodent(at: 0.2 + 0.03 * Double(index), 0.8)) }
            if index >= 10 { conditions.objects.append(.person(at: 0.1 + 0.05 * Double(index - 10), 0.55)) }
            let jpeg = try kitchen.jpeg(conditions, encoder: encoder)
            return try decoder.decodeGray(jpeg, options: .analysis(.full))
        }
    }

    @Test func modelFitThresholdAndMaskFollowTheFloatModelOnRealFrames() throws {
        let frames = try Self.nightFrames()
        var fixed = BackgroundModel()
        fixed.reset(to: frames[0])
        var reference = FloatModel(frames[0])
        for n in 1..<3 {
            fixed.blend(frames[n], weight: 1 / Float(n + 1))
            reference.blend(frames[n], weight: 1 / Float(n + 1))
        }
        var mask: [UInt8] = [], rowCounts: [Int32] = [], histogram: [Int32] = [], scratch: [UInt8] = []
        // A pixel marked differently by the two is then learnt at the other rate (0.005 instead of
        // 0.05), which moves its model by up to 0.045 × the threshold: those pixels get that bound.
        var flippedBefore = Set<Int>()
        var flipped = 0, compared = 0
        for frame in frames[3...] {
            // The models: within a fifth of a level everywhere else, frame after frame.
            for index in reference.mean.indices {
                let off = abs(fixed.level(at: index) - reference.mean[index])
                let bound: Float = flippedBefore.contains(index) ? 1 : 0.2
                if off > bound { Issue.record("model off by \(off) levels at \(index)") }
            }

            let fit = fixed.photometricFit(frame), expectedFit = reference.fit(frame)
            #expect(abs(fit.gain - expectedFit.gain) < 1e-3)
            #expect(abs(fit.offset - expectedFit.offset) < 0.1)

            let threshold = fixed.threshold(frame, fit: fit, minDifference: 14, noiseMultiplier: 4,
                                            histogram: &histogram, scratch: &scratch)
            #expect(threshold == reference.threshold(frame, expectedFit))

            fixed.segmentAndLearn(frame, fit: fit, threshold: threshold, mask: &mask, rowCounts: &rowCounts,
                                  backgroundRate: 0.05, foregroundRate: 0.005)
            let expectedMask = reference.segmentAndLearn(frame, expectedFit, threshold)
            for index in mask.indices where mask[index] != expectedMask[index] {
                // A pixel may only change sides when it sits on the threshold: within the models'
                // difference (0.2) plus the fits' (10⁻³ × up to 255 levels + 0.1), about 0.6 of a level.
                let margin = abs(abs(reference.residual(frame, index, expectedFit)) - threshold)
                let bound: Float = flippedBefore.contains(index) ? 1.5 : 1
                #expect(margin < bound, "pixel \(index) flipped \(margin) levels from the threshold")
                flippedBefore.insert(index)
                flipped += 1
            }
            compared += mask.count
            for y in 0..<frame.height {
                let row = mask[(y * frame.width)..<((y + 1) * frame.width)]
                #expect(Int(rowCounts[y]) == row.reduce(0) { $0 + Int($1) })
            }
        }
        #expect(flipped * 10_000 <= compared, "\(flipped) of \(compared) pixels flipped")
    }

    @Test func roundedHighProductIsRoundedDivision() {
        for a in stride(from: -32_768, through: 32_767, by: 97) {
            for b in [0, 1, 164, 328, 1_638, 3_277, 16_384, 32_767] {
                let exact = (Double(a) * Double(b) / 65_536).rounded(.toNearestOrAwayFromZero)
                let halfUp = (Double(a) * Double(b) / 65_536 + 0.5).rounded(.down)
                let got = Double(BackgroundModel.mulhiRounded(Int16(a), Int16(b)))
                #expect(got == halfUp && abs(got - exact) <= 1, "\(a) × \(b)")
            }
        }
    }

    /// The Q6 residual stays in 16 bits at the extremes the fast path admits and is within
    /// 2/64 of a level of the Float residual.
    @Test func residualHasNoOverflowAndQ6Precision() throws {
        for gain: Float in [0.52, 0.8, 1, 1.25, 1.48] {
            for offset: Float in [-127, -20, 0, 3.3, 20, 127] {
                let fixed = try #require(BackgroundModel.FixedFit(PhotometricFit(gain: gain, offset: offset)))
                for background in stride(from: 0, through: 16_320, by: 255) {
                    for value in [0, 1, 77, 128, 254, 255] {
                        let residual = fixed.residual(x: Int16(value) << 6, b: Int16(background))
                        let expected = Float(value) - (gain * Float(background) / 64 + offset)
                        #expect(abs(Float(residual) / 64 - expected) <= 2 / 64, "gain \(gain) offset \(offset)")
                    }
                }
            }
        }
        #expect(BackgroundModel.FixedFit(PhotometricFit(gain: 1.6, offset: 0)) == nil)
        #expect(BackgroundModel.FixedFit(PhotometricFit(gain: 1, offset: 130)) == nil)
    }

    /// Fits, thresholds and rates beyond 16-bit lanes take the Float path, same marks.
    @Test func outOfRangeFitsTakeTheFloatPath() throws {
        let frames = try Self.nightFrames()
        var fixed = BackgroundModel()
        fixed.reset(to: frames[0])
        let reference = FloatModel(frames[0])
        let fit = PhotometricFit(gain: 1.7, offset: -140)
        var mask: [UInt8] = [], rowCounts: [Int32] = []
        fixed.segmentAndLearn(frames[6], fit: fit, threshold: 20, mask: &mask, rowCounts: &rowCounts,
                              backgroundRate: 0.05, foregroundRate: 0.005)
        for index in mask.indices {
            #expect(mask[index] == (abs(reference.residual(frames[6], index, fit)) >= 20 ? 1 : 0))
        }
    }

    /// The labeler consumes the mask, and skipping rows without marks finds the same blobs.
    @Test func labelingWithRowCountsFindsTheSameBlobs() {
        let width = 40, height = 30
        var mask = [UInt8](repeating: 0, count: width * height)
        for (x, y) in [(3, 2), (4, 2), (5, 3), (4, 4), (30, 10), (31, 10), (32, 11), (33, 12), (10, 25), (12, 26)] {
            mask[y * width + x] = 1
        }
        let rowCounts = (0..<height).map { y in Int32(mask[(y * width)..<((y + 1) * width)].reduce(0) { $0 + Int($1) }) }
        var plain = ComponentLabeler(), skipping = ComponentLabeler()
        var first = mask, second = mask
        #expect(plain.label(&first, width: width, height: height, minPixels: 2, maxBlobs: 8))
        #expect(skipping.label(&second, rowCounts: rowCounts, width: width, height: height, minPixels: 2, maxBlobs: 8))
        #expect(plain.blobs == skipping.blobs)
        #expect(plain.blobs.map(\.pixelCount).sorted() == [2, 4, 4])
        #expect(!first.contains(1) && !second.contains(1))
    }
}
