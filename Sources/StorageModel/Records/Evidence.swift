import Foundation
import KitchenModel

/// One picture kept as evidence of an alarm: where it came from, what it shows, and both JPEGs.
public struct EvidenceRecord: Sendable, Hashable {
    /// Where the detection came from.
    public enum Source: String, Sendable, Hashable {
        /// The camera's own AI detection and its `snapshot/<id>`.
        case camera
        /// The gateway's night-motion detection on a `frame`.
        case gateway
    }

    public var id: Int64?
    public var alarmID: String
    public var camera: DeviceKey
    public var snapshot: String
    public var source: Source
    public var label: String
    public var score: Double
    /// `[x, y, w, h]` as fractions of the frame, when the detection had one.
    public var box: [Double]?
    /// The detection's time.
    public var at: EpochMillis
    public var storedAt: EpochMillis
    public var original: [UInt8]
    public var originalWidth: Int
    public var originalHeight: Int
    public var thumbnail: [UInt8]
    public var thumbnailWidth: Int
    public var thumbnailHeight: Int

    public init(id: Int64? = nil, alarmID: String, camera: DeviceKey, snapshot: String, source: Source, label: String,
                score: Double, box: [Double]?, at: EpochMillis, storedAt: EpochMillis, original: [UInt8],
                originalWidth: Int, originalHeight: Int, thumbnail: [UInt8], thumbnailWidth: Int, thumbnailHeight: Int) {
        self.id = id
        self.alarmID = alarmID
        self.camera = camera
        self.snapshot = snapshot
        self.source = source
        self.label = label
        self.score = score
        self.box = box
        self.at = at
        self.storedAt = storedAt
        self.original = original
        self.originalWidth = originalWidth
        self.originalHeight = originalHeight
        self.thumbnail = thumbnail
        self.thumbnailWidth = thumbnailWidth
        self.thumbnailHeight = thumbnailHeight
    }
}

/// An evidence row without its pictures, for listings.
public struct EvidenceSummary: Sendable, Hashable {
    public var id: Int64
    public var alarmID: String
    public var camera: DeviceKey
    public var snapshot: String
    public var source: String
    public var label: String
    public var score: Double
    public var box: [Double]?
    public var at: EpochMillis
    public var originalBytes: Int
    public var originalWidth: Int
    public var originalHeight: Int
    public var thumbnailBytes: Int
    public var thumbnailWidth: Int
    public var thumbnailHeight: Int

    public init(id: Int64, alarmID: String, camera: DeviceKey, snapshot: String, source: String, label: String, score: Double, box: [Double]?, at: EpochMillis, originalBytes: Int, originalWidth: Int, originalHeight: Int, thumbnailBytes: Int, thumbnailWidth: Int, thumbnailHeight: Int) {
        self.id = id
        self.alarmID = alarmID
        self.camera = camera
        self.snapshot = snapshot
        self.source = source
        self.label = label
        self.score = score
        self.box = box
        self.at = at
        self.originalBytes = originalBytes
        self.originalWidth = originalWidth
        self.originalHeight = originalHeight
        self.thumbnailBytes = thumbnailBytes
        self.thumbnailWidth = thumbnailWidth
        self.thumbnailHeight = thumbnailHeight
    }
}

/// Which of an evidence row's pictures to read.
public enum EvidencePicture: String, Sendable {
    case original, thumbnail
}
