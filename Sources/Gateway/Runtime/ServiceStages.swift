import Logging
import ServiceLifecycle
import Synchronization

/// One piece of the gateway with a lifecycle of its own (the broker, the writer, the MQTT client,
/// retention ...). `init` of the runtime only describes them; they start in `run()`.
struct StageDefinition: Sendable {
    let name: String
    /// Runs once, before `body`; the next stage starts only after it returned.
    var start: @Sendable () throws -> Void = {}
    /// Runs until the group shuts down (it is cancelled then); the default just waits.
    var body: @Sendable () async -> Void = {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }
    /// Runs once the stages after this one have stopped.
    var stop: @Sendable () -> Void = {}
}

/// Opens once with an outcome; waiters resume then. Deliberately not cancellable: a stage waits
/// for its neighbour's outcome, which always comes (the neighbour ends in bounded time too).
final class LifecycleGate: Sendable {
    private let state = Mutex<(value: Bool?, waiters: [CheckedContinuation<Bool, Never>])>((nil, []))

    func open(_ value: Bool) {
        let waiters = state.withLock { s -> [CheckedContinuation<Bool, Never>] in
            guard s.value == nil else { return [] }
            s.value = value
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    func wait() async -> Bool {
        await withCheckedContinuation { continuation in
            let value = state.withLock { s -> Bool? in
                if let value = s.value { return value }
                s.waiters.append(continuation)
                return nil
            }
            if let value { continuation.resume(returning: value) }
        }
    }
}

/// What the stages did, in order ("broker started" ... "broker stopped"): for the log and for
/// tests that check the order.
public final class LifecycleJournal: Sendable {
    private let lines = Mutex<[String]>([])
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    public var entries: [String] { lines.withLock { $0 } }

    func record(_ line: String) {
        lines.withLock { $0.append(line) }
        logger.info("service \(line)")
    }
}

/// A stage as a `Service`. Stages start strictly one after another, in the order of the list
/// (a stage waits until the previous one has started), and stop strictly in reverse: a stage stops
/// only after the next one has. ServiceGroup's graceful shutdown already goes in reverse; the
/// chain keeps that order when the group is cancelled too (SIGKILL-less test teardown, errors).
public final class GatewayStage: Service, CustomStringConvertible {
    let definition: StageDefinition
    let previousStarted: LifecycleGate?
    let started = LifecycleGate()
    let stopped = LifecycleGate()
    private let nextStopped: Mutex<LifecycleGate?>
    private let running = Mutex(false)
    let journal: LifecycleJournal

    public var description: String { definition.name }

    init(_ definition: StageDefinition, after previous: GatewayStage?, journal: LifecycleJournal) {
        self.definition = definition
        self.previousStarted = previous?.started
        self.nextStopped = Mutex(nil)
        self.journal = journal
    }

    /// Chains definitions into stages: each waits for the one before to start and the one after to stop.
    static func chain(_ definitions: [StageDefinition], journal: LifecycleJournal) -> [GatewayStage] {
        var stages: [GatewayStage] = []
        for definition in definitions {
            let stage = GatewayStage(definition, after: stages.last, journal: journal)
            stages.last?.nextStopped.withLock { $0 = stage.stopped }
            stages.append(stage)
        }
        return stages
    }

    public func run() async throws {
        let ready = await previousStarted?.wait() ?? true
        guard ready, !Task.isCancelled, !Task.isShuttingDownGracefully else {
            // The group ended (or a stage before failed) before this one's turn: nothing to undo.
            started.open(false)
            stopped.open(true)
            return
        }
        do {
            try startNow()
        } catch {
            journal.record("\(definition.name) failed to start: \(error)")
            started.open(false)
            stopped.open(true)
            throw error
        }
        started.open(true)
        let body = definition.body
        await cancelWhenGracefulShutdown { await body() }
        if let next = nextStopped.withLock({ $0 }) { _ = await next.wait() }
        stopNow()
        stopped.open(true)
    }

    /// Starts outside a group (benchmarks); no body runs.
    func startNow() throws {
        try definition.start()
        running.withLock { $0 = true }
        journal.record("\(definition.name) started")
    }

    /// Stops if running; idempotent.
    func stopNow() {
        guard running.withLock({ was in defer { was = false }; return was }) else { return }
        definition.stop()
        journal.record("\(definition.name) stopped")
    }

    /// Waits until this stage has started (true) or will not start (false).
    func waitUntilStarted() async -> Bool { await started.wait() }
}

/// Repeats `action` every `interval` (the first time after `first`) until cancelled.
func periodically(first: Duration? = nil, every interval: Duration,
                  _ action: @escaping @Sendable () async -> Void) -> @Sendable () async -> Void {
    {
        do {
            try await Task.sleep(for: first ?? interval)
            while !Task.isCancelled {
                await action()
                try await Task.sleep(for: interval)
            }
        } catch {
            // Cancelled: the group is shutting down.
        }
    }
}

/// Runs `service` once the gateway's stages have all started (the web server: it serves what they
/// provide). Ends without running it when they did not.
public struct AfterGatewayStarted: Service {
    let runtime: GatewayRuntime
    let service: any Service

    public init(_ runtime: GatewayRuntime, _ service: any Service) {
        self.runtime = runtime
        self.service = service
    }

    public func run() async throws {
        guard await runtime.waitUntilStarted() else { return }
        try await service.run()
    }
}
