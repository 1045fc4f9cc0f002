import CJPEGShim

/// Decodes JPEGs from one camera, frame after frame. Owns a libjpeg decompressor and its output
/// buffers and reuses them: a returned `Plane` shares the decoder's buffer copy-on-write, so as
/// long as the caller lets go of a frame before asking for the next, decoding allocates nothing
/// on the Swift side. Not thread-safe: one decoder per camera pipeline.
public final class JPEGDecoder {
    public let inspector: JPEGInspector
    private let handle: OpaquePointer
    private var grayBuffer = Plane(width: 0, height: 0)
    private var rgbBuffer = RGBImage(width: 0, height: 0)

    /// Decode settings that trade fidelity for speed.
    public struct Options: Sendable, Equatable {
        public var scale: DCTScale
        /// Abort at the first corrupt-data warning (evidence); otherwise libjpeg fills in and goes on.
        public var strict: Bool
        /// Integer fast IDCT and plain upsampling: fine for analysis, not for evidence.
        public var fast: Bool

        public init(scale: DCTScale = .full, strict: Bool = true, fast: Bool = false) {
            self.scale = scale
            self.strict = strict
            self.fast = fast
        }

        public static func analysis(_ scale: DCTScale) -> Options {
            Options(scale: scale, strict: false, fast: true)
        }
    }

    /// Nil only when libjpeg cannot get memory for its state.
    public init?(limits: JPEGLimits = JPEGLimits()) {
        guard let handle = bkj_decoder_create() else { return nil }
        self.handle = handle
        self.inspector = JPEGInspector(limits: limits)
    }

    deinit { bkj_decoder_destroy(handle) }

    /// Size, markers and header dimensions only; nothing is decoded.
    public func inspect(_ jpeg: [UInt8]) throws(JPEGRejection) -> JPEGHeader {
        try inspector.inspect(jpeg)
    }

    /// libjpeg's own reading of the headers, after the inspector's: a second opinion on a
    /// picture before it is stored, still without decoding any pixels.
    public func readHeader(_ jpeg: [UInt8]) throws(JPEGRejection) -> JPEGHeader {
        let header = try inspector.inspect(jpeg)
        var info = bkj_image_info()
        var report = bkj_report()
        let status = jpeg.withUnsafeBufferPointer { input in
            bkj_read_header(handle, input.baseAddress, input.count, &info, &report)
        }
        guard status == BKJ_OK else {
            throw report.rejection(for: status, memoryLimit: inspector.limits.maxDecoderMemory)
        }
        guard Int(info.width) == header.width, Int(info.height) == header.height else {
            throw .corrupt(detail: "frame header says \(header.width)×\(header.height), libjpeg reads \(info.width)×\(info.height)")
        }
        return JPEGHeader(width: Int(info.width), height: Int(info.height), components: Int(info.components),
                          precision: header.precision, isProgressive: info.progressive != 0)
    }

    /// Luminance only; libjpeg skips the chroma planes entirely.
    public func decodeGray(_ jpeg: [UInt8], options: Options = .analysis(.full)) throws(JPEGRejection) -> Plane {
        let header = try inspector.inspect(jpeg)
        var buffer = grayBuffer
        grayBuffer = Plane(width: 0, height: 0)  // hand the storage over so it stays uniquely referenced
        defer { grayBuffer = buffer }
        buffer.reshape(width: options.scale.scaled(header.width), height: options.scale.scaled(header.height))
        try decode(jpeg, header: header, options: options, grayscale: true, into: &buffer.pixels)
        return buffer
    }

    public func decodeRGB(_ jpeg: [UInt8], options: Options = Options()) throws(JPEGRejection) -> RGBImage {
        let header = try inspector.inspect(jpeg)
        var buffer = rgbBuffer
        rgbBuffer = RGBImage(width: 0, height: 0)
        defer { rgbBuffer = buffer }
        buffer.reshape(width: options.scale.scaled(header.width), height: options.scale.scaled(header.height))
        try decode(jpeg, header: header, options: options, grayscale: false, into: &buffer.pixels)
        return buffer
    }

    private func decode(_ jpeg: [UInt8], header: JPEGHeader, options: Options, grayscale: Bool,
                        into pixels: inout [UInt8]) throws(JPEGRejection) {
        var settings = bkj_decode_options(scale_denom: Int32(options.scale.denominator),
                                          grayscale: grayscale ? 1 : 0, strict: options.strict ? 1 : 0,
                                          fast: options.fast ? 1 : 0,
                                          max_dimension: UInt32(clamping: inspector.limits.maxDimension),
                                          max_memory: max(0, inspector.limits.maxDecoderMemory))
        var info = bkj_image_info()
        var report = bkj_report()
        let status = jpeg.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { output in
                bkj_decode(handle, input.baseAddress, input.count, &settings,
                           output.baseAddress, output.count, &info, &report)
            }
        }
        switch status {
        case BKJ_OK:
            return
        case BKJ_TOO_LARGE:
            throw .dimensionsTooLarge(width: Int(info.width), height: Int(info.height),
                                      limit: inspector.limits.maxDimension)
        case BKJ_BUFFER_TOO_SMALL:
            // The inspector and libjpeg disagree about the size: the headers are inconsistent.
            throw .corrupt(detail: "frame header says \(header.width)×\(header.height), libjpeg reads \(info.width)×\(info.height)")
        default:
            throw report.rejection(for: status, memoryLimit: inspector.limits.maxDecoderMemory)
        }
    }
}
