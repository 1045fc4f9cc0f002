import CameraVision

/// The JPEG path a device's snapshot or frame takes: `JPEGInspector.inspect` (the gateway's check
/// before storing), libjpeg's header read through the C shim (`readHeader`), a strict RGB decode
/// (evidence thumbnails) and a fast scaled grayscale decode (video-quality and night analysis).
///
/// Limits are smaller than the gateway's defaults (512 px, 8 MiB of decoder memory) so that one
/// execution stays cheap; the code paths that enforce them are the same. Invariants: libjpeg
/// agrees with the inspector about the size, and decoded images have the size the header gave.
public enum JPEGTarget {
    static let limits = JPEGLimits(maxBytes: 256 * 1024, maxDimension: 512, maxDecoderMemory: 8 * 1024 * 1024)
    // One decoder, as a camera pipeline keeps one; libFuzzer runs inputs one after another.
    nonisolated(unsafe) static let decoder = JPEGDecoder(limits: limits)!

    public static func run(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        let jpeg = Array(input)
        guard let inspected = try? decoder.inspect(jpeg) else { return }
        try require(inspected.width <= limits.maxDimension && inspected.height <= limits.maxDimension,
                       "inspector passed \(inspected.width)×\(inspected.height)")
        guard let header = try? decoder.readHeader(jpeg) else { return }
        try require(header.width == inspected.width && header.height == inspected.height,
                       "libjpeg read \(header.width)×\(header.height), inspector \(inspected.width)×\(inspected.height)")
        if let rgb = try? decoder.decodeRGB(jpeg) {
            try require(rgb.width == header.width && rgb.height == header.height
                           && rgb.pixels.count >= rgb.width * rgb.height * 3,
                           "RGB decode is \(rgb.width)×\(rgb.height) for a \(header.width)×\(header.height) header")
        }
        let scale = DCTScale.allCases[Int(jpeg[jpeg.count / 2]) % DCTScale.allCases.count]
        if let gray = try? decoder.decodeGray(jpeg, options: .analysis(scale)) {
            try require(gray.width == scale.scaled(header.width) && gray.height == scale.scaled(header.height)
                           && gray.pixels.count >= gray.width * gray.height,
                           "gray decode at 1/\(scale.denominator) is \(gray.width)×\(gray.height) for \(header.width)×\(header.height)")
        }
    }
}
