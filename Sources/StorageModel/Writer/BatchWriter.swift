import Foundation
import KitchenModel
import Logging

/// Commits ingest writes in batches on a dedicated thread.
///
/// Items are committed at most `maxDelay` (the store's `batchDelay`) after they arrive, sooner when a batch fills
/// or a caller waits for durability (`submitAndWait`, used before a QoS 1 message is
/// acknowledged). The queue is bounded: a full queue blocks the submitter, which in
/// turn holds back the broker's acknowledgements — backpressure, not memory growth.
///
/// On a store that commits on several connections at once (PostgreSQL, `commitsConcurrently`),
/// durable writes (`submitAndWait`, `submitUrgent`) get a second lane: their own thread and
/// committer, so a class-1 detection's commit does not wait behind a telemetry batch's, each of
/// which waits for its WAL flush (`BatchWriter+Lanes.swift` says how the two never disagree).
public final class BatchWriter: Sendable {
    public struct Options: Sendable {
        /// How long a queued item may wait for others to share its commit; nil: the store's own
        /// (`IngestStore.batchDelay`). A durable item never waits for it (it is committed at once).
        /// `BRIGHTKITCHEN_WRITER_DELAY_MS=5` sets it, to measure what the store's choice saves.
        public var maxDelay: Duration? = ProcessInfo.processInfo.environment["BRIGHTKITCHEN_WRITER_DELAY_MS"]
            .flatMap { Int($0) }.map { .milliseconds(max($0, 0)) }
        public var maxBatch: Int = 10_000
        public var capacity: Int = 200_000
        public var maxRejects: Int = 10_000
        /// How long a device snapshot that only moved its progress may wait (`SnapshotDeferral`).
        public var snapshotInterval: Duration = .seconds(1)
        /// The durable lane, where the store allows it. `BRIGHTKITCHEN_ONE_WRITER=1` turns it off
        /// (to measure what it changes; docs/operations.md, *Diagnostics*).
        public var durableLane = ProcessInfo.processInfo.environment["BRIGHTKITCHEN_ONE_WRITER"] == nil
        /// Wake the writer threads on every submission, as before issue 13 item 8, instead of only
        /// when their lane's wait changes. `BRIGHTKITCHEN_WRITER_WAKE_ALWAYS=1` turns it on, to measure
        /// what the change saves (docs/benchmarks.md, *CPU per message by stage*).
        public var wakeOnEverySubmit = ProcessInfo.processInfo.environment["BRIGHTKITCHEN_WRITER_WAKE_ALWAYS"] != nil
        public init() {}
    }

    public struct StoppedError: Error, CustomStringConvertible {
        public var description: String { "the batch writer has stopped" }
    }

    let store: any IngestStore
    let options: Options
    /// `options.maxDelay`, else the store's.
    let maxDelay: Duration
    let logger: Logger
    let onCommit: @Sendable (CommitStats) -> Void
    let state: WriterState

    public init(store: any IngestStore, options: Options = Options(), logger: Logger,
                onCommit: @escaping @Sendable (CommitStats) -> Void = { _ in }) {
        self.store = store
        self.options = options
        self.maxDelay = options.maxDelay ?? store.batchDelay
        self.logger = logger
        self.onCommit = onCommit
        self.state = WriterState(lanes: options.durableLane && store.commitsConcurrently ? 2 : 1)
    }

    /// Whether durable writes have a lane of their own (see the type's description).
    public var hasDurableLane: Bool { state.lanes.count > 1 }

    public func start() {
        state.condition.lock()
        for lane in state.lanes.indices { state.lanes[lane].running = true }
        state.condition.unlock()
        for lane in state.lanes.indices {
            NamedThread.start(lane == WriterState.bulk ? "bk-batch-writer" : "bk-durable-lane") { [self] in self.run(lane: lane) }
        }
    }

    /// Queues items; returns at once unless the queue is full.
    public func submit(_ items: [WriteItem]) throws {
        _ = try enqueue(items, urgent: false)
    }

    /// Queues items and returns once they are committed.
    public func submitAndWait(_ items: [WriteItem]) throws {
        let (lane, ticket) = try enqueue(items, urgent: true)
        try waitForCommit(of: ticket, lane: lane)
    }

    /// Queues items for the next commit (at once, not after `maxDelay`) and calls `then` on the
    /// writer thread once they are durable, without making the caller wait: a ticket's reply
    /// must not leave before its ticket is stored, and the MQTT thread must not stall for it.
    public func submitUrgent(_ items: [WriteItem], then: @escaping @Sendable (CommitStats) -> Void) throws {
        state.condition.lock()
        defer { state.condition.unlock() }
        let (lane, ticket) = try enqueueLocked(items, urgent: true)
        state.lanes[lane].completions.append((ticket, then))
    }

    /// Returns once everything queued before the call is committed, deferred device snapshots
    /// included.
    public func flush() throws {
        state.condition.lock()
        defer { state.condition.unlock() }
        var generations: [UInt64] = []
        for lane in state.lanes.indices {
            state.lanes[lane].flushRequested += 1
            generations.append(state.lanes[lane].flushRequested)
        }
        state.condition.broadcast()
        while state.lanes.indices.contains(where: { state.lanes[$0].flushed < generations[$0] }) {
            guard state.allRunning else { throw StoppedError() }
            state.condition.wait()
        }
    }

    /// Commits what is queued, then stops the threads.
    public func stop() {
        state.condition.lock()
        guard state.anyRunning else {
            state.condition.unlock()
            return
        }
        state.stopping = true
        state.condition.broadcast()
        while state.anyRunning { state.condition.wait() }
        state.condition.unlock()
    }

    /// Why commits are failing, while they are (the store is unreachable, the disk full): for
    /// `/healthz`. Nil once a commit succeeds again.
    public struct CommitFailure: Sendable, Equatable {
        public var error: String
        public var since: ContinuousClock.Instant
        public var attempts: Int
    }

    /// The longest-standing failure of either lane.
    public var failure: CommitFailure? {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.lanes.compactMap(\.failure).min { $0.since < $1.since }
    }

    public var queued: Int {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.lanes.reduce(0) { $0 + $1.queue.count }
    }

    private func enqueue(_ items: [WriteItem], urgent: Bool) throws -> (lane: Int, ticket: UInt64) {
        state.condition.lock()
        defer { state.condition.unlock() }
        return try enqueueLocked(items, urgent: urgent)
    }

    private func enqueueLocked(_ items: [WriteItem], urgent: Bool) throws -> (lane: Int, ticket: UInt64) {
        while true {
            while state.queuedTotal >= options.capacity && state.allRunning && !state.stopping {
                state.condition.wait()
            }
            guard state.allRunning, !state.stopping else { throw StoppedError() }
            // Chosen after the wait: a lane may have committed what held a device meanwhile.
            if let lane = state.route(items, durable: urgent) {
                // One in-place call: reading `state.lanes[lane].queue` copied the whole lane (its
                // queue, held devices and completions retained and released) three times a message.
                let queued = state.lanes[lane].append(items, urgent: urgent, countDevices: state.lanes.count > 1)
                // Wake the writers only when what their lane waits for changed: a lane with items
                // already queued sleeps until the oldest is `maxDelay` old, which this append does
                // not move. Waking it for every message cost a futex wake here and a wake-up and
                // sleep on the writer thread per message (issue 13 item 8, docs/benchmarks.md).
                // Nobody else waits for a submission.
                if queued.wasEmpty || urgent || queued.count >= options.maxBatch || options.wakeOnEverySubmit {
                    state.condition.broadcast()
                }
                return (lane, queued.submitted)
            }
            state.condition.wait()
        }
    }

    private func waitForCommit(of ticket: UInt64, lane: Int) throws {
        state.condition.lock()
        defer { state.condition.unlock() }
        while state.lanes[lane].committed < ticket {
            guard state.lanes[lane].running else { throw StoppedError() }
            state.condition.wait()
        }
    }
}
