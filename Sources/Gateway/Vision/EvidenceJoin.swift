import KitchenModel

/// Pairs a camera's `detection` that names `snapshot: id` with the `snapshot/<id>` JPEG, whichever
/// arrives first (firmware is asked to send the picture first, but MQTT does not promise order
/// across topics). Pure: time is passed in. Bounded: what waits longer than the window is
/// dropped, and when too many items or snapshot bytes wait, the oldest go first; every drop is
/// returned so it can be counted.
public struct EvidenceJoin: Sendable {
    public struct Limits: Sendable, Equatable {
        public var windowMillis: EpochMillis
        public var maxPending: Int
        public var maxBytes: Int

        public init(windowMillis: EpochMillis = 60_000, maxPending: Int = 256, maxBytes: Int = 32 << 20) {
            self.windowMillis = windowMillis
            self.maxPending = maxPending
            self.maxBytes = maxBytes
        }
    }

    /// A snapshot and a detection that names it.
    public struct Pair: Sendable, Equatable {
        public var camera: DeviceKey
        public var snapshotID: String
        public var jpeg: [UInt8]
        public var detection: Detection
        /// The detection's own time (the device's clock).
        public var detectedAt: EpochMillis
    }

    /// Something that waited and was given up.
    public struct Dropped: Sendable, Equatable {
        public enum Side: String, Sendable { case snapshot, detection }
        public enum Why: String, Sendable {
            /// Its partner did not come within the window.
            case expired
            /// Pushed out by newer items to keep memory bounded.
            case evicted
        }

        public var side: Side
        public var why: Why
        public var camera: DeviceKey
        public var snapshotID: String

        public init(side: Side, why: Why, camera: DeviceKey, snapshotID: String) {
            self.side = side
            self.why = why
            self.camera = camera
            self.snapshotID = snapshotID
        }
    }

    public struct Outcome: Sendable, Equatable {
        public var pairs: [Pair] = []
        public var dropped: [Dropped] = []

        public init(pairs: [Pair] = [], dropped: [Dropped] = []) {
            self.pairs = pairs
            self.dropped = dropped
        }
    }

    private struct Key: Hashable {
        var camera: DeviceKey
        var id: String
    }

    private struct Waiting {
        var snapshot: [UInt8]?
        var detections: [(Detection, EpochMillis)] = []
        var arrivedAt: EpochMillis
        /// Arrival order, for evicting the oldest.
        var order: UInt64
    }

    public let limits: Limits
    private var waiting: [Key: Waiting] = [:]
    private var nextOrder: UInt64 = 0
    public private(set) var pendingItems = 0
    public private(set) var pendingBytes = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// A `snapshot/<id>` picture (already checked by the inspector) arrived.
    public mutating func offer(snapshot jpeg: [UInt8], id: String, camera: DeviceKey, at time: EpochMillis) -> Outcome {
        let key = Key(camera: camera, id: id)
        var outcome = Outcome()
        if let entry = waiting[key], !entry.detections.isEmpty {
            remove(key)
            outcome.pairs = entry.detections.map { detection, detectedAt in
                Pair(camera: camera, snapshotID: id, jpeg: jpeg, detection: detection, detectedAt: detectedAt)
            }
            return outcome
        }
        // A redelivered snapshot replaces the one waiting.
        remove(key)
        insert(Waiting(snapshot: jpeg, arrivedAt: time, order: 0), for: key)
        outcome.dropped = evict()
        return outcome
    }

    /// A detection naming `detection.snapshot` arrived at `time` (the gateway's clock, as for
    /// snapshots: the window is measured on one clock); `detectedAt` is the device's time of the
    /// detection, kept with the pair. Detections without a snapshot are not for the join.
    public mutating func offer(detection: Detection, camera: DeviceKey, at time: EpochMillis,
                               detectedAt: EpochMillis? = nil) -> Outcome {
        guard let id = detection.snapshot else { return Outcome() }
        let detectedAt = detectedAt ?? time
        let key = Key(camera: camera, id: id)
        var outcome = Outcome()
        if let entry = waiting[key], let jpeg = entry.snapshot {
            remove(key)
            outcome.pairs.append(Pair(camera: camera, snapshotID: id, jpeg: jpeg, detection: detection,
                                      detectedAt: detectedAt))
            return outcome
        }
        if waiting[key] != nil {
            // Several detections may name one picture (two labels in one frame).
            waiting[key]!.detections.append((detection, detectedAt))
            pendingItems += 1
        } else {
            insert(Waiting(detections: [(detection, detectedAt)], arrivedAt: time, order: 0), for: key)
        }
        outcome.dropped = evict()
        return outcome
    }

    /// Drops what has waited longer than the window. Call on every maintenance tick.
    public mutating func expire(now: EpochMillis) -> [Dropped] {
        let stale = waiting.filter { now - $0.value.arrivedAt > limits.windowMillis }
        var dropped: [Dropped] = []
        for (key, entry) in stale.sorted(by: { $0.value.order < $1.value.order }) {
            remove(key)
            dropped += Self.drops(of: entry, key: key, why: .expired)
        }
        return dropped
    }

    private mutating func insert(_ entry: Waiting, for key: Key) {
        var entry = entry
        entry.order = nextOrder
        nextOrder += 1
        waiting[key] = entry
        pendingItems += (entry.snapshot == nil ? 0 : 1) + entry.detections.count
        pendingBytes += entry.snapshot?.count ?? 0
    }

    private mutating func remove(_ key: Key) {
        guard let entry = waiting.removeValue(forKey: key) else { return }
        pendingItems -= (entry.snapshot == nil ? 0 : 1) + entry.detections.count
        pendingBytes -= entry.snapshot?.count ?? 0
    }

    private mutating func evict() -> [Dropped] {
        var dropped: [Dropped] = []
        while pendingItems > limits.maxPending || pendingBytes > limits.maxBytes,
              let oldest = waiting.min(by: { $0.value.order < $1.value.order }) {
            remove(oldest.key)
            dropped += Self.drops(of: oldest.value, key: oldest.key, why: .evicted)
        }
        return dropped
    }

    private static func drops(of entry: Waiting, key: Key, why: Dropped.Why) -> [Dropped] {
        let snapshot = entry.snapshot.map { _ in Dropped(side: .snapshot, why: why, camera: key.camera, snapshotID: key.id) }
        let detections = entry.detections.map { _ in
            Dropped(side: .detection, why: why, camera: key.camera, snapshotID: key.id)
        }
        return (snapshot.map { [$0] } ?? []) + detections
    }
}
