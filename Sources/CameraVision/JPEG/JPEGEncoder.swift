import CJPEGShim

/// Encodes thumbnails and generated frames through libjpeg (jpeg_mem_dest). Keeps one
/// compressor and one output buffer for its lifetime. Not thread-safe.
public final class JPEGEncoder {
    private let handle: OpaquePointer

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case invalidImage(String)
        case libjpeg(String)
        case outOfMemory

        public var description: String {
            switch self {
            case let .invalidImage(text): "cannot encode: \(text)"
            case let .libjpeg(text): "libjpeg failed to encode: \(text)"
            case .outOfMemory: "out of memory while encoding"
            }
        }
    }

    /// Nil only when libjpeg cannot get memory for its state.
    public init?() {
        guard let handle = bkj_encoder_create() else { return nil }
        self.handle = handle
    }

    deinit { bkj_encoder_destroy(handle) }

    public func encode(_ plane: Plane, quality: Int = 85, progressive: Bool = false) throws(Failure) -> [UInt8] {
        try encode(plane.pixels, width: plane.width, height: plane.height, components: 1, quality: quality,
                   progressive: progressive)
    }

    public func encode(_ image: RGBImage, quality: Int = 85, progressive: Bool = false) throws(Failure) -> [UInt8] {
        try encode(image.pixels, width: image.width, height: image.height, components: 3, quality: quality,
                   progressive: progressive)
    }

    private func encode(_ pixels: [UInt8], width: Int, height: Int, components: Int, quality: Int,
                        progressive: Bool) throws(Failure) -> [UInt8] {
        guard width > 0, height > 0 else { throw .invalidImage("empty image \(width)×\(height)") }
        guard (1...100).contains(quality) else { throw .invalidImage("quality \(quality) is outside 1...100") }
        var output: UnsafePointer<UInt8>? = nil
        var size = 0
        var report = bkj_report()
        let status = pixels.withUnsafeBufferPointer { input in
            bkj_encode(handle, input.baseAddress, UInt32(clamping: width), UInt32(clamping: height),
                       width * components, Int32(components), Int32(quality), progressive ? 1 : 0,
                       &output, &size, &report)
        }
        switch status {
        case BKJ_OK:
            guard let output else { throw .libjpeg("no output") }
            return Array(UnsafeBufferPointer(start: output, count: size))
        case BKJ_OUT_OF_MEMORY:
            throw .outOfMemory
        case BKJ_INVALID_ARGUMENT:
            throw .invalidImage(report.text)
        default:
            throw .libjpeg(report.text)
        }
    }
}
