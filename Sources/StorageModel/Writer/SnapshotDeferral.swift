import KitchenModel

/// Which device snapshots the writer writes now and which may wait.
///
/// Every batch used to write the snapshot of every device it touched: at 30,000 readings a second
/// from 200 devices that is one `UPDATE device` per reading, a third of the writer's instructions
/// (`bench-stages` under callgrind). A snapshot that changes anything a restart needs to be right
/// (kind, firmware, boot, the previous boot's last seq, online, lost count, **gaps**) is still written in the same transaction
/// as the reading that caused it. One that only moves the device's progress (last seq, last
/// seen, last reading) goes in with its reading when the device's row was last written `interval`
/// ago or more; otherwise it waits, replaced by newer ones, and is written `interval` after it
/// began to wait (the writer wakes for it when idle). A busy device's row is written about once
/// per `interval` instead of once per batch; a device heard once a minute is written as before. Nothing is lost by a crash meanwhile:
/// readings are committed as before, ``IngestStore.loadDeviceSnapshots`` takes the last seq of the
/// current boot from the readings themselves, and any hole in that range would have opened a gap,
/// which is written at once. What a crash can leave behind is up to `interval` of "last seen".
///
/// One value per committer, never copied: copies would share their records of what was written.
public struct SnapshotDeferral {
    public init() {}

    /// What must be written at once when it changes.
    private struct Shape: Equatable {
        var kind: DeviceKind?
        var model: String?
        var firmware: String?
        var intervalSeconds: Int?
        var replayBuffer: Int?
        var boot: Int64?
        var online: Bool
        var onlineChangedAt: EpochMillis?
        var lostCount: Int64
        var gaps: [SeqGap]
        var previousBoot: Int64?
        var previousLastSeq: Int64?

        init(_ s: DeviceSnapshot) {
            kind = s.kind
            model = s.model
            firmware = s.firmware
            intervalSeconds = s.intervalSeconds
            replayBuffer = s.replayBuffer
            boot = s.boot
            online = s.online
            onlineChangedAt = s.onlineChangedAt
            lostCount = s.lostCount
            gaps = s.gaps
            previousBoot = s.previousBoot
            previousLastSeq = s.previousLastSeq
        }

        /// `self == Shape(s)`, without building (retaining) a second shape for every snapshot.
        func matches(_ s: DeviceSnapshot) -> Bool {
            kind == s.kind && boot == s.boot && online == s.online && lostCount == s.lostCount
                && onlineChangedAt == s.onlineChangedAt && intervalSeconds == s.intervalSeconds
                && replayBuffer == s.replayBuffer && previousBoot == s.previousBoot
                && previousLastSeq == s.previousLastSeq && model == s.model && firmware == s.firmware && gaps == s.gaps
        }
    }

    /// A class, so the check of every offered snapshot reads it in the dictionary without copying
    /// its shape out, and a write updates it in place (issue 13 item 8).
    private final class Written {
        var shape: Shape
        var at: ContinuousClock.Instant
        init(shape: Shape, at: ContinuousClock.Instant) {
            self.shape = shape
            self.at = at
        }

        /// Compares in place (`last.shape.matches` copied the shape out of the object first).
        func matches(_ s: DeviceSnapshot) -> Bool { shape.matches(s) }
    }

    private var written: [Int64: Written] = [:]
    private var pending: [Int64: DeviceSnapshot] = [:]
    /// (device, when its pending snapshot must be written), in the order snapshots began to wait,
    /// which is also due order: each waits `interval` from then. Entries of devices written
    /// meanwhile are skipped when they reach the front.
    private var dueQueue: [(id: Int64, due: ContinuousClock.Instant)] = []
    private var dueHead = 0

    /// What a batch writes of device rows: the batch's `snapshots` that must go in now (in
    /// `mustWrite`, or changed in shape, or their row due), then the waiting ones that fell due (all
    /// of them with `flush`). `taken` is what a rolled-back transaction gives back (`rollBack`).
    public mutating func plan(_ snapshots: Dictionary<DeviceKey, DeviceSnapshot>.Values, deviceID: (DeviceKey) throws -> Int64,
                              mustWrite: Set<DeviceKey>, interval: Duration, flush: Bool) rethrows
        -> (write: [(id: Int64, snapshot: DeviceSnapshot)], taken: [(id: Int64, snapshot: DeviceSnapshot)])
    {
        let now = ContinuousClock.now
        var write: [(id: Int64, snapshot: DeviceSnapshot)] = []
        for snapshot in snapshots {
            let id = try deviceID(snapshot.key)
            if offer(snapshot, id: id, now: now, interval: interval, mustWrite: mustWrite.contains(snapshot.key)) {
                write.append((id, snapshot))
            }
        }
        return (write, takeDue(now: now, all: flush))
    }

    /// `plan` for snapshots already keyed by device row id (the SQLite writer's; one hash of an
    /// Int64 per snapshot instead of a key's two strings).
    public mutating func plan(byID snapshots: [Int64: DeviceSnapshot], mustWrite: Set<DeviceKey>, interval: Duration,
                              flush: Bool)
        -> (write: [(id: Int64, snapshot: DeviceSnapshot)], taken: [(id: Int64, snapshot: DeviceSnapshot)])
    {
        let now = ContinuousClock.now
        var write: [(id: Int64, snapshot: DeviceSnapshot)] = []
        for (id, snapshot) in snapshots {
            let must = !mustWrite.isEmpty && mustWrite.contains(snapshot.key)
            if offer(snapshot, id: id, now: now, interval: interval, mustWrite: must) { write.append((id, snapshot)) }
        }
        return (write, takeDue(now: now, all: flush))
    }

    /// Whether `snapshot` must be written now; if not, it waits (replacing an older waiting one).
    /// `mustWrite`: the caller writes it in any case, and a waiting one is dropped.
    public mutating func offer(_ snapshot: DeviceSnapshot, id: Int64, now: ContinuousClock.Instant, interval: Duration,
                        mustWrite: Bool = false) -> Bool {
        let last = written[id]
        if !mustWrite, let last, now < last.at.advanced(by: interval), last.matches(snapshot) {
            if pending.updateValue(snapshot, forKey: id) == nil { dueQueue.append((id, now.advanced(by: interval))) }
            return false
        }
        if !pending.isEmpty { pending[id] = nil }
        if let last {
            last.shape = Shape(snapshot)
            last.at = now
        } else {
            written[id] = Written(shape: Shape(snapshot), at: now)
        }
        return true
    }

    /// The waiting snapshots that are due (or all of them), with their device row ids.
    public mutating func takeDue(now: ContinuousClock.Instant, all: Bool) -> [(id: Int64, snapshot: DeviceSnapshot)] {
        guard !pending.isEmpty else { return [] }
        if all {
            let due = pending.map { (id: $0.key, snapshot: $0.value) }
            for id in pending.keys { written[id]?.at = now }
            pending.removeAll()
            dueQueue.removeAll()
            dueHead = 0
            return due
        }
        var due: [(id: Int64, snapshot: DeviceSnapshot)] = []
        while dueHead < dueQueue.count, dueQueue[dueHead].due <= now {
            let id = dueQueue[dueHead].id
            if let snapshot = pending.removeValue(forKey: id) {
                due.append((id, snapshot))
                written[id]?.at = now
            }
            dueHead += 1
        }
        compact()
        return due
    }

    /// After a rolled-back commit: nothing written in it counts as written (so the retried batch
    /// writes its snapshots at once), and the waiting snapshots it took wait again (queued behind
    /// the others, so written within one interval).
    public mutating func rollBack(untaking taken: [(id: Int64, snapshot: DeviceSnapshot)], now: ContinuousClock.Instant) {
        written.removeAll()
        for (id, snapshot) in taken where pending[id] == nil {
            pending[id] = snapshot
            dueQueue.append((id, now))
        }
    }

    /// When the next waiting snapshot falls due.
    public mutating func nextDue() -> ContinuousClock.Instant? {
        while dueHead < dueQueue.count {
            if pending[dueQueue[dueHead].id] != nil { return dueQueue[dueHead].due }
            dueHead += 1
        }
        compact()
        return nil
    }

    public var isEmpty: Bool { pending.isEmpty }

    /// The devices whose snapshot waits (the writer's second lane must not overtake them).
    public var pendingDevices: Set<DeviceKey> { Set(pending.values.map(\.key)) }

    private mutating func compact() {
        if dueHead == dueQueue.count {
            dueQueue.removeAll(keepingCapacity: true)
            dueHead = 0
        } else if dueHead > 4_096 && dueHead * 2 > dueQueue.count {
            dueQueue.removeFirst(dueHead)
            dueHead = 0
        }
    }
}
