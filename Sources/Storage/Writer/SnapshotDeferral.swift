import KitchenModel

/// Which device snapshots the writer writes now and which may wait.
///
/// Every batch used to write the snapshot of every device it touched: at 30,000 readings a second
/// from 200 devices that is one `UPDATE device` per reading, a third of the writer's instructions
/// (`bench-stages` under callgrind). A snapshot that changes anything a restart needs to be right
/// (kind, firmware, boot, the previous boot's last seq, online, lost count, **gaps**) is still written in the same transaction
/// as the reading that caused it. One that only moves the device's progress (last seq, last
/// seen, last reading) waits until the device's previous write is `interval` old, and then goes in
/// the next commit (the writer wakes for it when idle). Nothing is lost by a crash meanwhile:
/// readings are committed as before, `Store.loadDeviceSnapshots` takes the last seq of the
/// current boot from the readings themselves, and any hole in that range would have opened a gap,
/// which is written at once. What a crash can leave behind is up to `interval` of "last seen".
struct SnapshotDeferral {
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
    }

    private struct Written {
        var shape: Shape
        var at: ContinuousClock.Instant
    }

    private var written: [Int64: Written] = [:]
    private var pending: [Int64: DeviceSnapshot] = [:]
    /// (device, when its last write is `interval` old), in time order: writes are recorded at
    /// increasing times, so the front is always the earliest.
    private var dueQueue: [(id: Int64, due: ContinuousClock.Instant)] = []
    private var dueHead = 0

    /// Whether `snapshot` must be written now; if not, it is kept (replacing an older pending one).
    /// `mustWrite`: the caller writes it in any case; an older pending one is dropped.
    mutating func offer(_ snapshot: DeviceSnapshot, id: Int64, now: ContinuousClock.Instant, interval: Duration,
                        mustWrite: Bool = false) -> Bool {
        let shape = Shape(snapshot)
        if !mustWrite, let last = written[id], last.shape == shape, now < last.at.advanced(by: interval) {
            pending[id] = snapshot
            return false
        }
        pending[id] = nil
        recordWrite(id, shape, now: now, interval: interval)
        return true
    }

    /// The pending snapshots whose device was last written `interval` ago (or all of them).
    mutating func takeDue(now: ContinuousClock.Instant, interval: Duration, all: Bool) -> [DeviceSnapshot] {
        guard !pending.isEmpty else { return [] }
        var due: [DeviceSnapshot] = []
        if all {
            for (id, snapshot) in pending {
                due.append(snapshot)
                recordWrite(id, Shape(snapshot), now: now, interval: interval)
            }
            pending.removeAll()
            return due
        }
        while dueHead < dueQueue.count, dueQueue[dueHead].due <= now {
            let id = dueQueue[dueHead].id
            dueHead += 1
            // A later write of the same device has its own, later entry.
            guard let snapshot = pending[id], let last = written[id], last.at.advanced(by: interval) <= now else { continue }
            pending[id] = nil
            due.append(snapshot)
            recordWrite(id, Shape(snapshot), now: now, interval: interval)
        }
        compact()
        return due
    }

    /// The earliest time a pending snapshot falls due (entries of devices with nothing pending
    /// are dropped on the way).
    mutating func nextDue(interval: Duration) -> ContinuousClock.Instant? {
        while dueHead < dueQueue.count {
            let entry = dueQueue[dueHead]
            if pending[entry.id] != nil, let last = written[entry.id], last.at.advanced(by: interval) == entry.due {
                return entry.due
            }
            dueHead += 1
        }
        compact()
        return nil
    }

    var isEmpty: Bool { pending.isEmpty }

    private mutating func recordWrite(_ id: Int64, _ shape: Shape, now: ContinuousClock.Instant, interval: Duration) {
        written[id] = Written(shape: shape, at: now)
        dueQueue.append((id, now.advanced(by: interval)))
    }

    private mutating func compact() {
        if dueHead > 4_096 && dueHead * 2 > dueQueue.count {
            dueQueue.removeFirst(dueHead)
            dueHead = 0
        }
    }
}
