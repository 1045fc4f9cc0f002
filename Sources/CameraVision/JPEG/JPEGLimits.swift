/// What a JPEG from a device may be before anything decodes it (PROTOCOL.md: snapshots ≤ 2 MiB).
public struct JPEGLimits: Codable, Sendable, Equatable {
    /// Largest accepted payload in bytes. Default 2 MiB.
    public var maxBytes: Int
    /// Largest accepted width or height in pixels, read from the frame header. Default 8192:
    /// a 65000×65000 header would ask libjpeg for gigabytes before a single pixel is checked.
    public var maxDimension: Int
    /// Working memory libjpeg may use for one decode, in bytes. Default 64 MiB. Baseline JPEGs
    /// need little; progressive ones hold every coefficient (about 2 bytes a sample), so a small
    /// progressive file with a large header would otherwise claim hundreds of megabytes.
    public var maxDecoderMemory: Int

    public init(maxBytes: Int = 2 * 1024 * 1024, maxDimension: Int = 8192, maxDecoderMemory: Int = 64 * 1024 * 1024) {
        self.maxBytes = maxBytes
        self.maxDimension = maxDimension
        self.maxDecoderMemory = maxDecoderMemory
    }
}
