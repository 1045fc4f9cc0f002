import Foundation
import KitchenModel
import Logging

/// Commits ingest writes in batches on a dedicated thread.
///
/// Items are committed at most `maxDelay` after they arrive, sooner when a batch fills
/// or a caller waits for durability (`submitAndWait`, used before a QoS 1 message is
/// acknowledged). The queue is bounded: a full queue blocks the submitter, which in
/// turn holds back the broker's acknowledgements — backpressure, not memory growth.
public final class BatchWriter: Sendable {
    public struct Options: Sendable {
        /// Short, so a durable message (which waits for the batch in progress) is not held behind
        /// a long commit; under load a batch still gathers everything queued meanwhile.
        public var maxDelay: Duration = .milliseconds(5)
        public var maxBatch: Int = 10_000
        public var capacity: Int = 200_000
        public var maxRejects: Int = 10_000
        /// How long a device snapshot that only moved its progress may wait (`SnapshotDeferral`).
        public var snapshotInterval: Duration = .seconds(1)
        public init() {}
    }

    public struct StoppedError: Error, CustomStringConvertible {
        public var description: String { "the batch writer has stopped" }
    }

    private let store: any IngestStore
    private let options: Options
    private let logger: Logger
    private let onCommit: @Sendable (CommitStats) -> Void
    private let state: WriterState

    public init(store: any IngestStore, options: Options = Options(), logger: Logger,
                onCommit: @escaping @Sendable (CommitStats) -> Void = { _ in }) {
        self.store = store
        self.options = options
        self.logger = logger
        self.onCommit = onCommit
        self.state = WriterState()
    }

    public func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "bk-batch-writer"
        state.condition.lock()
        state.running = true
        state.condition.unlock()
        thread.start()
    }

    /// Queues items; returns at once unless the queue is full.
    public func submit(_ items: [WriteItem]) throws {
        _ = try enqueue(items, urgent: false)
    }

    /// Queues items and returns once they are committed.
    public func submitAndWait(_ items: [WriteItem]) throws {
        let ticket = try enqueue(items, urgent: true)
        try waitForCommit(of: ticket)
    }

    /// Queues items for the next commit (at once, not after `maxDelay`) and calls `then` on the
    /// writer thread once they are durable, without making the caller wait: a ticket's reply
    /// must not leave before its ticket is stored, and the MQTT thread must not stall for it.
    public func submitUrgent(_ items: [WriteItem], then: @escaping @Sendable (CommitStats) -> Void) throws {
        state.condition.lock()
        defer { state.condition.unlock() }
        let ticket = try enqueueLocked(items, urgent: true)
        state.completions.append((ticket, then))
    }

    /// Returns once everything queued before the call is committed, deferred device snapshots
    /// included.
    public func flush() throws {
        state.condition.lock()
        defer { state.condition.unlock() }
        state.flushRequested += 1
        let generation = state.flushRequested
        state.condition.broadcast()
        while state.flushed < generation {
            guard state.running else { throw StoppedError() }
            state.condition.wait()
        }
    }

    /// Commits what is queued, then stops the thread.
    public func stop() {
        state.condition.lock()
        guard state.running else {
            state.condition.unlock()
            return
        }
        state.stopping = true
        state.condition.broadcast()
        while state.running { state.condition.wait() }
        state.condition.unlock()
    }

    /// Why commits are failing, while they are (the store is unreachable, the disk full): for
    /// `/healthz`. Nil once a commit succeeds again.
    public struct CommitFailure: Sendable, Equatable {
        public var error: String
        public var since: ContinuousClock.Instant
        public var attempts: Int
    }

    public var failure: CommitFailure? {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.failure
    }

    public var queued: Int {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.queue.count
    }

    private func enqueue(_ items: [WriteItem], urgent: Bool) throws -> UInt64 {
        state.condition.lock()
        defer { state.condition.unlock() }
        return try enqueueLocked(items, urgent: urgent)
    }

    private func enqueueLocked(_ items: [WriteItem], urgent: Bool) throws -> UInt64 {
        while state.queue.count >= options.capacity && state.running && !state.stopping {
            state.condition.wait()
        }
        guard state.running, !state.stopping else { throw StoppedError() }
        if state.queue.isEmpty { state.oldestQueuedAt = ContinuousClock.now }
        state.queue.append(contentsOf: items)
        state.submitted += UInt64(items.count)
        if urgent { state.urgentUpTo = state.submitted }
        state.condition.broadcast()
        return state.submitted
    }

    private func waitForCommit(of ticket: UInt64) throws {
        state.condition.lock()
        defer { state.condition.unlock() }
        while state.committed < ticket {
            guard state.running else { throw StoppedError() }
            state.condition.wait()
        }
    }

    private func run() {
        let transaction = store.makeBatchCommitter(maxRejects: options.maxRejects, snapshotInterval: options.snapshotInterval)
        while let next = nextBatch(transaction) {
            commit(next.items, transaction, flushSnapshots: next.flushUpTo != nil)
            if let generation = next.flushUpTo {
                state.condition.lock()
                state.flushed = max(state.flushed, generation)
                state.condition.broadcast()
                state.condition.unlock()
            }
        }
        if transaction.hasDeferredSnapshots { commit([], transaction, flushSnapshots: true) }
        state.condition.lock()
        state.running = false
        state.condition.broadcast()
        state.condition.unlock()
    }

    /// What the writer commits next: items, and whether a `flush` waits for it (its generation).
    private struct NextBatch {
        var items: [WriteItem]
        var flushUpTo: UInt64?
    }

    /// Waits until a batch is due and takes it; nil once stopping with nothing left. An empty
    /// batch writes deferred device snapshots that fell due while no item arrived.
    private func nextBatch(_ transaction: any BatchCommitter) -> NextBatch? {
        let snapshotsDue = transaction.snapshotsDue()
        state.condition.lock()
        defer { state.condition.unlock() }
        while true {
            if state.flushRequested > state.flushed {
                // Everything queued before the flush (in several batches if it must), then every
                // deferred snapshot with the last of them.
                if state.queue.count > options.maxBatch { return NextBatch(items: takeLocked()) }
                let generation = state.flushRequested
                return NextBatch(items: takeLocked(), flushUpTo: generation)
            }
            if state.queue.isEmpty {
                if state.stopping { return nil }
                if let snapshotsDue {
                    if ContinuousClock.now >= snapshotsDue { return NextBatch(items: []) }
                    _ = state.condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(until: snapshotsDue)))
                } else {
                    state.condition.wait()
                }
                continue
            }
            let due = state.oldestQueuedAt.advanced(by: options.maxDelay)
            let urgent = state.urgentUpTo > state.committed
            if urgent || state.stopping || state.queue.count >= options.maxBatch || ContinuousClock.now >= due {
                return NextBatch(items: takeLocked())
            }
            _ = state.condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(until: due)))
        }
    }

    /// Takes up to `maxBatch` queued items. Called with the lock held.
    private func takeLocked() -> [WriteItem] {
        let batch: [WriteItem]
        if state.queue.count <= options.maxBatch {
            batch = state.queue
            state.queue = []
        } else {
            batch = Array(state.queue.prefix(options.maxBatch))
            state.queue.removeFirst(options.maxBatch)
        }
        state.oldestQueuedAt = ContinuousClock.now
        state.condition.broadcast()  // room for blocked submitters
        return batch
    }

    private static func seconds(until instant: ContinuousClock.Instant) -> Double {
        let remaining = ContinuousClock.now.duration(to: instant)
        return max(remaining.inSeconds, 0.000_5)
    }

    /// Commits a batch, retrying a failed commit: items are never dropped, so a full
    /// disk stalls ingest (and, through backpressure, the broker's acks) instead.
    private func commit(_ batch: [WriteItem], _ transaction: any BatchCommitter, flushSnapshots: Bool = false) {
        var attempt = 0
        while true {
            let started = ContinuousClock.now
            do {
                var stats = try transaction.commit(batch, flushSnapshots: flushSnapshots)
                let elapsed = started.duration(to: ContinuousClock.now)
                stats.seconds = elapsed.inSeconds
                state.condition.lock()
                state.failure = nil
                state.committed += UInt64(batch.count)
                let committed = state.committed
                let due = state.completions.prefix { $0.0 <= committed }
                state.completions.removeFirst(due.count)
                state.condition.broadcast()
                state.condition.unlock()
                for (_, completion) in due { completion(stats) }
                onCommit(stats)
                return
            } catch {
                transaction.resetAfterFailure()
                attempt += 1
                state.condition.lock()
                state.failure = CommitFailure(error: "\(error)", since: state.failure?.since ?? started, attempts: attempt)
                state.condition.unlock()
                let delay = min(5.0, 0.05 * Double(1 << min(attempt, 7)))
                logger.error("batch commit failed, retrying", metadata: [
                    "items": "\(batch.count)", "attempt": "\(attempt)", "error": "\(error)",
                ])
                Thread.sleep(forTimeInterval: delay)
            }
        }
    }
}

/// Queue state shared between submitters and the writer thread.
/// `@unchecked Sendable`: every field is only touched while `condition` is locked.
private final class WriterState: @unchecked Sendable {
    let condition = NSCondition()
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
    var stopping = false
    var failure: BatchWriter.CommitFailure?
}
