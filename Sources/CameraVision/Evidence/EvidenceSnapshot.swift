/// What is kept with an alarm: the device's original JPEG, untouched, and a thumbnail with the
/// detection box drawn in. Created only from a snapshot that passed every check.
public struct EvidenceSnapshot: Sendable, Equatable {
    public var original: [UInt8]
    public var header: JPEGHeader
    public var thumbnail: Thumbnail
    public var box: DetectionBox?

    /// Validates a `snapshot/<id>` payload and makes its thumbnail; throws the reason to record
    /// when the device sent something unusable.
    public static func prepare(_ jpeg: [UInt8], box: DetectionBox?, using maker: ThumbnailMaker) throws(EvidenceFailure) -> EvidenceSnapshot {
        let thumbnail = try maker.make(from: jpeg, box: box)
        return EvidenceSnapshot(original: jpeg, header: thumbnail.sourceHeader, thumbnail: thumbnail, box: box)
    }
}
