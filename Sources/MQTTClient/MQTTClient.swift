import CMosquitto
import Foundation
import KitchenModel
import Logging
import Synchronization

/// One MQTT connection over libmosquitto, with its own network thread that reconnects forever.
///
/// Handlers run on that network thread, one message at a time. For a QoS 1 message the PUBACK
/// is queued while the handler runs and written only after it returns, so whatever the handler
/// has committed before returning is not lost if the process dies (the broker redelivers to a
/// persistent session). Keep handlers short: while one runs, nothing else is read or written.
public final class MQTTClient: Sendable {
    public let configuration: MQTTConfiguration
    let logger: Logger
    let handle: MosquittoHandle
    let state = Mutex(ClientState())
    /// Signalled by `stop()` so a reconnect backoff ends at once.
    let stopSignal = DispatchSemaphore(value: 0)
    /// Signalled by the network thread as it returns.
    let loopExited = DispatchSemaphore(value: 0)

    struct ClientState {
        var messageHandler: (@Sendable (MQTTMessage) -> Void)?
        var connectionHandler: (@Sendable (Bool) -> Void)?
        /// Filters in the order first subscribed, each with its latest QoS.
        var subscriptions: [(filter: String, qos: Int)] = []
        /// Refused filters to subscribe again (MQTTClient+RefusedSubscriptions.swift).
        var retries = SubscribeRetries()
        var isConnected = false
        var started = false
        var stopRequested = false
        /// Count of accepted CONNACKs, so the loop can tell "was connected" from "never got in".
        var acceptedConnections = 0
        var lastError: MQTTError?
        var networkThread: pthread_t?
    }

    public init(configuration: MQTTConfiguration, logger: Logger = Logger(label: "MQTTClient")) throws {
        try ensureMosquittoLibraryInitialized()
        try configuration.validate()
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "mqtt.client"] = .string(configuration.clientID)
        self.logger = logger
        guard let pointer = mosquitto_new(configuration.clientID, configuration.cleanSession, nil) else {
            throw MQTTError(operation: "create client '\(configuration.clientID)'", code: Int32(errno),
                            reason: String(cString: strerror(errno)))
        }
        self.handle = MosquittoHandle(pointer: pointer)
        do {
            try applyConfiguration()
        } catch {
            mosquitto_destroy(pointer)
            throw error
        }
        // Unretained: the network thread holds `self` strongly while callbacks can fire.
        mosquitto_user_data_set(pointer, Unmanaged.passUnretained(self).toOpaque())
        installCallbacks()
    }

    deinit {
        mosquitto_destroy(handle.pointer)
    }

    /// Sets the handler for incoming messages. Set it before `start()`; it runs on the network thread.
    public func onMessage(_ handler: @escaping @Sendable (MQTTMessage) -> Void) {
        state.withLock { $0.messageHandler = handler }
    }

    /// Sets the handler told `true` after each accepted CONNACK and `false` when that connection ends.
    public func onConnectionChange(_ handler: @escaping @Sendable (Bool) -> Void) {
        state.withLock { $0.connectionHandler = handler }
    }

    public var isConnected: Bool {
        state.withLock { $0.isConnected }
    }

    /// The latest connect failure (network error or broker refusal), cleared on a successful connect.
    public var lastError: MQTTError? {
        state.withLock { $0.lastError }
    }

    /// How many times the broker has accepted this client's CONNECT since `start()`.
    public var connectionCount: Int {
        state.withLock { $0.acceptedConnections }
    }

    /// Starts the network thread, which connects and then reconnects forever with backoff
    /// until `stop()`. Returns at once; use `waitUntilConnected(timeout:)` to wait.
    public func start() throws {
        try state.withLock { state throws(MQTTError) in
            guard !state.started, !state.stopRequested else {
                throw MQTTError(operation: "start", code: MQTTError.invalidInputCode,
                                reason: state.stopRequested ? "client was stopped; create a new one" : "already started")
            }
            state.started = true
        }
        // The id's end names the connection ("…-shard-3"): the kernel keeps 15 bytes of a name.
        NamedThread.start("mq-" + String(configuration.clientID.suffix(12))) { [self] in runNetworkLoop() }
    }

    /// Disconnects cleanly (the broker discards the Will), ends the network thread and waits for it.
    /// Idempotent. Final: a stopped client cannot be started again.
    public func stop() {
        let (wasStarted, onNetworkThread) = state.withLock { state -> (Bool, Bool) in
            if state.stopRequested { return (false, false) }
            state.stopRequested = true
            let onNetworkThread = state.networkThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
            return (state.started, onNetworkThread)
        }
        guard wasStarted else { return }
        // Queues DISCONNECT and wakes the loop; NO_CONN when between connections is fine.
        _ = mosquitto_disconnect(handle.pointer)
        stopSignal.signal()
        if !onNetworkThread, loopExited.wait(timeout: .now() + .seconds(5)) == .timedOut {
            logger.warning("MQTT network thread did not end within 5 s of stop()")
        }
        // Handlers often capture the client; dropping them breaks that cycle.
        state.withLock { state in
            state.messageHandler = nil
            state.connectionHandler = nil
        }
    }

    /// Waits until the broker has accepted a CONNECT, or the timeout passes.
    public func waitUntilConnected(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isConnected {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Blocking form of `waitUntilConnected(timeout:)` for callers outside async code.
    public func blockUntilConnected(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !isConnected {
            if ContinuousClock.now >= deadline { return false }
            usleep(10_000)
        }
        return true
    }

    /// `start()` and wait; throws the broker's refusal or the network error if not connected in time.
    /// The client keeps retrying in the background until `stop()`.
    /// A broker refusal (bad credentials, banned id) is thrown as soon as it arrives.
    public func connect(timeout: Duration) async throws {
        try start()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (connected, error) = state.withLock { ($0.isConnected, $0.lastError) }
            if connected { return }
            if let error, error.isBrokerRefusal { throw error }
            try? await Task.sleep(for: .milliseconds(10))
        }
        throw lastError ?? MQTTError(operation: "connect to \(configuration.host):\(configuration.port)",
                                     code: MosquittoCode.noConnection, reason: "no CONNACK within \(timeout)")
    }
}
