/// Makes the small picture shown with an alarm: a scaled decode (libjpeg reduces in the IDCT to
/// the smallest size still at least as wide as the thumbnail), an area resample to the exact
/// width, the detection box drawn in, then libjpeg again to encode. Reuses its decoder, encoder
/// and buffers; not thread-safe.
public final class ThumbnailMaker {
    public let config: ThumbnailConfig
    private let decoder: JPEGDecoder
    private let encoder: JPEGEncoder
    private var resampler = AreaResampler()
    private var canvas = RGBImage(width: 0, height: 0)

    /// Nil only when libjpeg cannot get memory for its state.
    public init?(config: ThumbnailConfig = ThumbnailConfig(), limits: JPEGLimits = JPEGLimits()) {
        guard let decoder = JPEGDecoder(limits: limits), let encoder = JPEGEncoder() else { return nil }
        self.config = config
        self.decoder = decoder
        self.encoder = encoder
    }

    /// Checks `jpeg` (size, markers, header dimensions) before decoding it strictly: a truncated
    /// or corrupt picture is refused with the reason, not turned into a grey-smeared thumbnail.
    public func make(from jpeg: [UInt8], box: DetectionBox?) throws(EvidenceFailure) -> Thumbnail {
        let header: JPEGHeader
        do { header = try decoder.inspect(jpeg) } catch { throw .rejected(error) }
        let targetWidth = max(1, config.width)
        let scale = DCTScale.coarsest(forWidth: header.width, keepingAtLeast: targetWidth)
        let decoded: RGBImage
        do {
            decoded = try decoder.decodeRGB(jpeg, options: .init(scale: scale, strict: true, fast: false))
        } catch {
            throw .rejected(error)
        }
        let targetHeight = max(1, (decoded.height * targetWidth + decoded.width / 2) / decoded.width)
        resampler.resample(decoded, into: &canvas, width: targetWidth, height: targetHeight)
        if let box { canvas.drawOutline(of: box, colour: config.boxColour, thickness: config.boxThickness) }
        do {
            let encoded = try encoder.encode(canvas, quality: config.quality)
            return Thumbnail(jpeg: encoded, width: targetWidth, height: targetHeight, sourceHeader: header)
        } catch {
            throw .thumbnailEncoding(error)
        }
    }
}

/// A JPEG thumbnail with what it was made from.
public struct Thumbnail: Sendable, Equatable {
    public var jpeg: [UInt8]
    public var width: Int
    public var height: Int
    /// The original picture's header.
    public var sourceHeader: JPEGHeader
}
