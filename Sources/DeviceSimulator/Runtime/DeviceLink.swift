import KitchenModel
import Logging
import MQTTClient
import Synchronization

/// The MQTT connection of one device (or, with `clientPerDevice` off, of a whole site).
///
/// Why a new `MQTTClient` per connection rather than the client's own reconnect: the Will is
/// fixed when a client is created, and it must carry the boot of *this* connection, otherwise
/// the gateway would treat the Will of a live device as current or ignore a real one as stale.
/// A real device does the same: every reconnect is a new session with a new boot.
final class DeviceLink: Sendable {
    let clientID: String
    let devices: [SimulatedDevice]
    private let byDeviceID: [String: SimulatedDevice]
    private let template: MQTTConfiguration
    /// Only a connection that carries a single device can speak for it with a Will.
    private let usesWill: Bool
    private let logger: Logger
    private let state = Mutex(LinkState())

    private struct LinkState {
        var client: MQTTClient?
        var online = false
        /// Tells callbacks of a replaced client from those of the current one.
        var generation = 0
        var stopping = false
    }

    private let subscribeQoS: Int

    init(clientID: String, devices: [SimulatedDevice], template: MQTTConfiguration, subscribeQoS: Int = 1, logger: Logger) {
        self.clientID = clientID
        self.subscribeQoS = subscribeQoS
        self.devices = devices
        self.byDeviceID = Dictionary(uniqueKeysWithValues: devices.map { ($0.key.device.rawValue, $0) })
        self.template = template
        self.usesWill = devices.count == 1
        self.logger = logger
    }

    var isOnline: Bool { state.withLock { $0.online } }

    /// Starts a new boot for every device on this link and a client that connects in the background.
    func connect() throws {
        let boots = devices.map { $0.beginBoot() }
        var configuration = template
        configuration.clientID = clientID
        configuration.cleanSession = true
        if usesWill, let device = devices.first {
            configuration.will = MQTTWill(topic: device.topics.state,
                                          payload: device.presencePayload(online: false, boot: boots[0]),
                                          qos: 1, retain: true)
        }
        let client = try MQTTClient(configuration: configuration, logger: logger)
        let generation = state.withLock { state -> Int? in
            guard !state.stopping else { return nil }
            state.generation += 1
            state.client = client
            state.online = false
            return state.generation
        }
        guard let generation else { return }
        client.onMessage { [weak self] message in self?.route(message) }
        client.onConnectionChange { [weak self] up in self?.connectionChanged(up: up, generation: generation) }
        if let site = devices.first?.key.site, devices.count > 1, devices.allSatisfy({ $0.key.site == site }) {
            // A site's connection: one subscription per channel for all its devices, not one per
            // device. A clustered broker makes each subscription a replicated consumer (NATS), and
            // a province's 12,000 devices would otherwise ask for 12,000 of them at start.
            try client.subscribe("bk/v1/\(site)/+/cmd", qos: subscribeQoS)
            if devices.contains(where: { $0.profile.kind == .scale }) {
                try client.subscribe("bk/v1/\(site)/+/ticket", qos: subscribeQoS)
            }
        } else {
            for device in devices {
                try client.subscribe(device.topics.cmd, qos: subscribeQoS)
                if device.profile.kind == .scale {
                    try client.subscribe(device.topics.ticket, qos: subscribeQoS)
                }
            }
        }
        try client.start()
        // stop() may have run between our check above and start(): it found a client that was not
        // started yet, so this one must not be left running.
        if state.withLock({ $0.stopping }) { client.stop() }
    }

    /// Runs on the client's network thread.
    private func connectionChanged(up: Bool, generation: Int) {
        if up {
            let current = state.withLock { state -> Bool in
                guard state.generation == generation, !state.stopping else { return false }
                state.online = true
                return true
            }
            guard current else { return }
            for device in devices { device.announce(on: self) }
            return
        }
        let lost = state.withLock { state -> MQTTClient? in
            guard state.generation == generation, !state.stopping else { return nil }
            state.online = false
            return state.client
        }
        guard let lost else { return }
        logger.info("simulated device lost its connection; reconnecting with a new boot",
                    metadata: ["client": .string(clientID)])
        // stop() on the client's own network thread returns at once and lets the thread end.
        lost.stop()
        do {
            try connect()
        } catch {
            logger.error("simulated device could not reconnect", metadata: [
                "client": .string(clientID), "error": .string("\(error)"),
            ])
        }
    }

    private func route(_ message: MQTTMessage) {
        // bk/v1/<site>/<device>/<channel>
        let parts = message.topic.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, let device = byDeviceID[String(parts[3])] else { return }
        switch parts[4] {
        case "cmd":
            if device.handle(command: message.payload, on: self) == nil {
                logger.notice("simulated device ignored a command it does not understand", metadata: [
                    "device": .string(device.key.description),
                    "payload": .string(String(decoding: message.payload.prefix(200), as: UTF8.self)),
                ])
            }
        case "ticket":
            device.receiveTicket(message.payload)
        default:
            break
        }
    }

    /// Hands a message to the current connection; false when offline or refused.
    func publish(topic: String, payload: [UInt8], qos: Int, retain: Bool) -> Bool {
        guard let client = state.withLock({ $0.online ? $0.client : nil }) else { return false }
        do {
            try client.publish(topic: topic, payload: payload, qos: qos, retain: retain)
            return true
        } catch {
            logger.debug("simulated publish failed", metadata: ["topic": .string(topic), "error": .string("\(error)")])
            return false
        }
    }

    /// Closes the socket as a network failure would; the broker publishes the Will.
    func dropConnection() {
        state.withLock { $0.online ? $0.client : nil }?.dropConnection()
    }

    /// Says offline on each device's `state`, disconnects cleanly and waits for the client's thread.
    func stop() {
        let (client, wasOnline) = state.withLock { state -> (MQTTClient?, Bool) in
            state.stopping = true
            return (state.client, state.online)
        }
        if wasOnline {
            for device in devices { device.farewell(on: self) }
        }
        state.withLock { $0.online = false }
        client?.stop()
    }
}
