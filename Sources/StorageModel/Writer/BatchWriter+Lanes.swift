import Foundation
import KitchenModel

/// The writer's lanes: one (SQLite), or two on a store that commits concurrently (PostgreSQL):
/// `bulk` for telemetry and everything else, `durable` for what a caller waits for (a detection,
/// a birth, a weighing's ticket), each with its own thread, committer and connection.
///
/// Why two lanes never disagree: a device is never in both at once. A submission goes to its
/// preferred lane unless the other lane *holds* one of its devices (items of that device queued or
/// being committed there, or, in the bulk lane, its deferred snapshot), and then to that lane.
/// Each device's writes (and its snapshot, whose last seq a restart trusts) are so committed in
/// the order they were decided, as with one lane; a camera that only sends detections, or a scale
/// between telemetry bursts, uses the durable lane, and a thermometer's door event among its
/// readings waits for the bulk lane as before. Both lanes defer snapshots alike
/// (`SnapshotDeferral`; an event's or ticket's is never deferred), and a deferred snapshot holds
/// its device in its lane until it is written.
extension BatchWriter {
    func run(lane: Int) {
        let transaction = store.makeBatchCommitter(maxRejects: options.maxRejects, snapshotInterval: options.snapshotInterval)
        while let next = nextBatch(lane, transaction) {
            commit(next.items, lane, transaction, flushSnapshots: next.flushUpTo != nil)
            if let generation = next.flushUpTo {
                state.condition.lock()
                state.lanes[lane].flushed = max(state.lanes[lane].flushed, generation)
                state.condition.broadcast()
                state.condition.unlock()
            }
        }
        if transaction.hasDeferredSnapshots { commit([], lane, transaction, flushSnapshots: true) }
        state.condition.lock()
        state.lanes[lane].running = false
        state.condition.broadcast()
        state.condition.unlock()
    }

    /// What a lane commits next: items, and whether a `flush` waits for it (its generation).
    struct NextBatch {
        var items: [WriteItem]
        var flushUpTo: UInt64?
    }

    /// Waits until a batch is due and takes it; nil once stopping with nothing left. An empty
    /// batch writes deferred device snapshots that fell due while no item arrived.
    private func nextBatch(_ lane: Int, _ transaction: any BatchCommitter) -> NextBatch? {
        let snapshotsDue = transaction.snapshotsDue()
        state.condition.lock()
        defer { state.condition.unlock() }
        while true {
            if state.lanes[lane].flushRequested > state.lanes[lane].flushed {
                // Everything queued before the flush (in several batches if it must), then every
                // deferred snapshot with the last of them.
                if state.lanes[lane].queue.count > options.maxBatch { return NextBatch(items: takeLocked(lane)) }
                let generation = state.lanes[lane].flushRequested
                return NextBatch(items: takeLocked(lane), flushUpTo: generation)
            }
            if state.lanes[lane].queue.isEmpty {
                if state.stopping { return nil }
                if let snapshotsDue {
                    if ContinuousClock.now >= snapshotsDue { return NextBatch(items: []) }
                    _ = state.condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(until: snapshotsDue)))
                } else {
                    state.condition.wait()
                }
                continue
            }
            let queue = state.lanes[lane]
            let due = queue.oldestQueuedAt.advanced(by: maxDelay)
            let urgent = queue.urgentUpTo > queue.committed
            if urgent || state.stopping || queue.queue.count >= options.maxBatch || ContinuousClock.now >= due {
                return NextBatch(items: takeLocked(lane))
            }
            _ = state.condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(until: due)))
        }
    }

    /// Takes up to `maxBatch` queued items. Called with the lock held.
    private func takeLocked(_ lane: Int) -> [WriteItem] {
        let batch = state.lanes[lane].take(upTo: options.maxBatch)
        state.condition.broadcast()  // room for blocked submitters
        return batch
    }

    private static func seconds(until instant: ContinuousClock.Instant) -> Double {
        let remaining = ContinuousClock.now.duration(to: instant)
        return max(remaining.inSeconds, 0.000_5)
    }

    /// Commits a batch, retrying a failed commit: items are never dropped, so a full
    /// disk stalls ingest (and, through backpressure, the broker's acks) instead.
    private func commit(_ batch: [WriteItem], _ lane: Int, _ transaction: any BatchCommitter, flushSnapshots: Bool) {
        var attempt = 0
        let twoLanes = state.lanes.count > 1
        while true {
            let started = ContinuousClock.now
            do {
                var stats = try transaction.commit(batch, flushSnapshots: flushSnapshots)
                let elapsed = started.duration(to: ContinuousClock.now)
                stats.seconds = elapsed.inSeconds
                let deferred = twoLanes ? transaction.deferredDevices : []
                state.condition.lock()
                state.lanes[lane].failure = nil
                state.lanes[lane].committed += UInt64(batch.count)
                if twoLanes {
                    state.lanes[lane].release(batch)
                    state.lanes[lane].deferred = deferred
                }
                let committed = state.lanes[lane].committed
                let due = state.lanes[lane].completions.prefix { $0.0 <= committed }
                state.lanes[lane].completions.removeFirst(due.count)
                state.condition.broadcast()
                state.condition.unlock()
                for (_, completion) in due { completion(stats) }
                onCommit(stats)
                return
            } catch let error as LeaseLostError {
                transaction.resetAfterFailure()
                abandon(after: error, batch: batch.count)
                return
            } catch {
                transaction.resetAfterFailure()
                attempt += 1
                state.condition.lock()
                let since = state.lanes[lane].failure?.since ?? started
                state.lanes[lane].failure = CommitFailure(error: "\(error)", since: since, attempts: attempt)
                state.condition.unlock()
                let delay = min(5.0, 0.05 * Double(1 << min(attempt, 7)))
                logger.error("batch commit failed, retrying", metadata: [
                    "items": "\(batch.count)", "attempt": "\(attempt)", "error": "\(error)",
                    "lane": "\(lane == WriterState.bulk ? "bulk" : "durable")",
                ])
                Thread.sleep(forTimeInterval: delay)
            }
        }
    }
}

extension BatchWriter {
    /// The shard lease this writer wrote under has passed to another instance: nothing it holds
    /// may be written any more, by this instance. The queue is dropped and the lanes stop, so every
    /// waiting or later submitter gets `StoppedError` (the message in hand is then not acknowledged:
    /// the shard's MQTT connection was cut when the lease was found lost). What was dropped is the
    /// new owner's to receive again: unacknowledged messages from the broker, acknowledged telemetry
    /// by device replay.
    func abandon(after error: LeaseLostError, batch: Int) {
        state.condition.lock()
        state.stopping = true
        var dropped = batch
        for lane in state.lanes.indices {
            dropped += state.lanes[lane].queue.count
            state.lanes[lane].queue = []
            state.lanes[lane].completions = []
        }
        state.condition.broadcast()
        state.condition.unlock()
        logger.error("shard lease lost: writes dropped, the writer stops", metadata: [
            "shard": "\(error.shard)", "epoch": "\(error.epoch)", "dropped_items": "\(dropped)",
        ])
    }
}

/// One lane's queue. Only touched while `WriterState.condition` is locked.
struct LaneState {
    var queue: [WriteItem] = []
    var submitted: UInt64 = 0
    var committed: UInt64 = 0
    var urgentUpTo: UInt64 = 0
    /// `flush` calls made and answered, by generation.
    var flushRequested: UInt64 = 0
    var flushed: UInt64 = 0
    /// Callbacks waiting for their items' commit, in submission order.
    var completions: [(UInt64, @Sendable (CommitStats) -> Void)] = []
    var oldestQueuedAt = ContinuousClock.now
    var running = false
    var failure: BatchWriter.CommitFailure?
    /// With two lanes: items per device queued or being committed here, and the devices whose
    /// snapshot this lane's committer defers.
    var held: [DeviceKey: Int] = [:]
    var deferred: Set<DeviceKey> = []

    func holds(_ key: DeviceKey) -> Bool { held[key] != nil || deferred.contains(key) }

    /// Appends a submission; returns whether the queue was empty before, its length after and the
    /// submission's ticket.
    mutating func append(_ items: [WriteItem], urgent: Bool, countDevices: Bool)
        -> (wasEmpty: Bool, count: Int, submitted: UInt64)
    {
        let wasEmpty = queue.isEmpty
        if wasEmpty { oldestQueuedAt = ContinuousClock.now }
        queue.append(contentsOf: items)
        submitted += UInt64(items.count)
        if urgent { urgentUpTo = submitted }
        if countDevices {
            for item in items {
                if let key = item.deviceKey { held[key, default: 0] += 1 }
            }
        }
        return (wasEmpty, queue.count, submitted)
    }

    /// Takes the queue (up to `limit` items). The queue left behind keeps room for about as many
    /// items as were taken (at most `Self.keptCapacity`): growing it again from empty, doubling,
    /// copied (and retained) every queued item about log2(n) times per batch.
    mutating func take(upTo limit: Int) -> [WriteItem] {
        let batch: [WriteItem]
        if queue.count <= limit {
            batch = queue
            queue = []
        } else {
            batch = Array(queue.prefix(limit))
            queue.removeFirst(limit)
        }
        if queue.isEmpty { queue.reserveCapacity(min(batch.count, Self.keptCapacity)) }
        oldestQueuedAt = ContinuousClock.now
        return batch
    }

    /// The most room a queue keeps between batches (a busy 5 ms window at 30,000 msg/s is
    /// about 300 items); larger bursts grow it as before.
    static let keptCapacity = 1_024

    /// A committed batch no longer holds its devices.
    mutating func release(_ items: [WriteItem]) {
        for item in items {
            guard let key = item.deviceKey, let count = held[key] else { continue }
            held[key] = count > 1 ? count - 1 : nil
        }
    }
}

/// Queue state shared between submitters and the writer threads.
/// `@unchecked Sendable`: every field is only touched while `condition` is locked.
final class WriterState: @unchecked Sendable {
    static let bulk = 0
    static let durable = 1

    let condition = NSCondition()
    var lanes: [LaneState]
    var stopping = false

    init(lanes count: Int) {
        lanes = Array(repeating: LaneState(), count: count)
    }

    // By index through the buffer: each submission asks these, and iterating the lanes (or reading
    // one out of the array) copied each whole lane, retaining and releasing its queue and tables.
    var allRunning: Bool {
        lanes.withUnsafeBufferPointer { lanes in lanes.indices.allSatisfy { lanes[$0].running } }
    }
    var anyRunning: Bool {
        lanes.withUnsafeBufferPointer { lanes in lanes.indices.contains { lanes[$0].running } }
    }
    var queuedTotal: Int {
        lanes.withUnsafeBufferPointer { lanes in lanes.indices.reduce(0) { $0 + lanes[$1].queue.count } }
    }

    /// The lane for a submission (see the extension's description); nil while its devices are
    /// held by both lanes (a submission of several devices, e.g. the tick's offline snapshots),
    /// until one lane has committed what held them.
    func route(_ items: [WriteItem], durable: Bool) -> Int? {
        guard lanes.count > 1 else { return Self.bulk }
        var heldBy: Int?
        for item in items {
            guard let key = item.deviceKey else { continue }
            for lane in lanes.indices where lanes[lane].holds(key) {
                if let other = heldBy, other != lane { return nil }
                heldBy = lane
            }
        }
        return heldBy ?? (durable ? Self.durable : Self.bulk)
    }
}

extension WriteItem {
    /// The device whose row or sequence the item writes, if any.
    var deviceKey: DeviceKey? {
        switch self {
        case .reading(let r): r.key
        case .event(let e): e.key
        case .device(let snapshot): snapshot.key
        case .ticket(let t): t.scale
        case .reject, .ticketKey: nil
        }
    }
}
