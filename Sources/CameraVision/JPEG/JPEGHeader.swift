/// What the frame header (SOF) of a JPEG says, read without decoding.
public struct JPEGHeader: Sendable, Equatable, Codable {
    public var width: Int
    public var height: Int
    /// 1 for grayscale, 3 for YCbCr colour, 4 for CMYK.
    public var components: Int
    /// Bits per sample; this build of libjpeg decodes 8.
    public var precision: Int
    public var isProgressive: Bool

    public init(width: Int, height: Int, components: Int, precision: Int = 8, isProgressive: Bool = false) {
        self.width = width
        self.height = height
        self.components = components
        self.precision = precision
        self.isProgressive = isProgressive
    }
}
