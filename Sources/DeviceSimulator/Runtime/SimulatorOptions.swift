import KitchenModel

/// Misbehaviour to inject so the gateway's loss, validation and alarm paths get exercised.
public struct FaultOptions: Sendable {
    /// Fraction of sequenced messages never published. Their seq is still consumed and they stay
    /// in the replay buffer, so the gateway sees a gap that a `replay` fills.
    public var dropRate: Double = 0
    /// Now and then (on average this often, one random connection at a time) close a device's
    /// socket without DISCONNECT: the broker publishes its Will, the device reconnects with a new boot.
    public var disconnectEvery: Duration?
    /// Fraction of sequenced messages followed by a malformed one: invalid JSON, wrong types,
    /// out-of-range values or an unknown channel. Malformed messages never consume a seq.
    public var malformedRate: Double = 0
    /// Cold-room and sample-fridge thermometers drift to about 9–10 °C (a failing compressor).
    public var warmFridge: Bool = false

    public init() {}
}

public struct SimulatorOptions: Sendable {
    /// `mqtt://host:port` or `mqtts://…`.
    public var brokerURL: String
    /// Time compression: 60 makes every device report 60× more often and an hour pass in a minute.
    public var speed: Double = 1
    /// Plays the fleet this many times; with more than one copy every site id gets `-cNN`.
    public var siteCopies: Int = 1
    /// Simulates only the `index`-th of `count` equal slices of the sites (copies included), 1-based:
    /// a fleet beyond what one process can connect (`Fleet.connectionsPerProcess`) runs as several
    /// processes, each a slice, with the same site ids as one process would give them.
    public var part: (index: Int, count: Int)?
    public var faults = FaultOptions()
    /// Sequenced messages each device keeps for `replay` (announced as `buffer` in birth).
    public var replayBuffer: Int = 1000
    /// Fixes every device's random stream; nil draws a seed (logged, so a run can be repeated).
    public var seed: UInt64?
    /// One MQTT connection per device, each with its own Will. False shares one connection per
    /// site: far fewer sockets and threads for load tests, but then no device has a Will.
    public var clientPerDevice: Bool = true
    /// QoS of the devices' `cmd` and `ticket` subscriptions. 1 as PROTOCOL.md has it. A device's
    /// session is clean, so QoS 1 only guards a message in flight when its connection drops; on
    /// NATS it also costs a replicated JetStream consumer per subscription, created at about two
    /// a second and again at every reconnect, so the cluster runs (`scripts/province`,
    /// `scripts/chaos --cluster`) use 0 (docs/scale-out.md, *Broker*).
    public var subscribeQoS: Int = 1
    /// Connections opened per second at start; nil opens them all at once. A province's 2,000
    /// site connections arriving in the same second, each with its births and retained states,
    /// is a reconnection storm a clustered broker must survive, but not the way to start a demo.
    public var connectionsPerSecond: Double?
    /// Broker logins by device, for a broker that confines each device to its own topics (the
    /// gateway's secured broker); a device without one connects anonymously. An account speaks
    /// for one device only, so this needs `clientPerDevice`.
    public var credentials: [DeviceKey: DeviceCredentials] = [:]
    /// Keep every sequenced message's (boot, seq) and every ticket reply, for `Fleet.writeLedger`
    /// (the chaos test compares it with the gateway's database). Grows with the run: tests only.
    public var keepLedger: Bool = false

    public init(brokerURL: String) {
        self.brokerURL = brokerURL
    }
}

/// A device's broker account.
public struct DeviceCredentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// Options the simulator cannot run with, said so that the caller can fix the flag.
public struct SimulatorOptionsError: Error, CustomStringConvertible, Sendable {
    public let problem: String
    public var description: String { "simulator options: \(problem)" }
}

extension SimulatorOptions {
    func validate() throws {
        func fail(_ problem: String) -> SimulatorOptionsError { SimulatorOptionsError(problem: problem) }
        guard speed.isFinite, speed > 0, speed <= 100_000 else { throw fail("speed \(speed) must be > 0 and ≤ 100000") }
        guard (1...10_000).contains(siteCopies) else { throw fail("siteCopies \(siteCopies) must be 1...10000") }
        if let part, !(part.count >= 1 && part.count <= 1_000 && (1...part.count).contains(part.index)) {
            throw fail("part \(part.index)/\(part.count) must be K/N with 1 ≤ K ≤ N ≤ 1000")
        }
        guard (0...1_000_000).contains(replayBuffer) else { throw fail("replayBuffer \(replayBuffer) must be 0...1000000") }
        if let rate = connectionsPerSecond, !(rate.isFinite && rate > 0 && rate <= 100_000) {
            throw fail("connectionsPerSecond \(rate) must be > 0 and ≤ 100000")
        }
        guard (0...1).contains(faults.dropRate) else { throw fail("dropRate \(faults.dropRate) must be between 0 and 1") }
        guard (0...1).contains(faults.malformedRate) else {
            throw fail("malformedRate \(faults.malformedRate) must be between 0 and 1")
        }
        if !credentials.isEmpty && !clientPerDevice {
            throw fail("per-device broker accounts need one connection per device, not one per site")
        }
        if let every = faults.disconnectEvery, every < .milliseconds(100) {
            throw fail("disconnectEvery \(every) must be at least 100 ms")
        }
    }
}
