import KitchenModel

/// What one simulated device has done since the fleet started.
public struct DeviceStats: Sendable, Hashable {
    public var key: DeviceKey
    public var kind: DeviceKind
    /// The current boot: 0 before the first connection, then 1, 2, … per (re)connection.
    public var boot: Int64
    /// The latest seq recorded (published or not); 0 before the first message.
    public var lastSeq: Int64
    /// Sequenced messages handed to the MQTT client live (replays not included).
    public var published: Int
    /// Sequenced messages held back by `FaultOptions.dropRate`.
    public var dropped: Int
    /// Sequenced messages recorded while the device was offline or its publish failed.
    public var unsent: Int
    public var birthsSent: Int
    public var replaysServed: Int
    /// Messages re-published by replays.
    public var replayedMessages: Int
    public var malformedSent: Int
    /// `ticket` replies received (scales).
    public var ticketsReceived: Int
    public var schedulesApplied: Int
    public var online: Bool
}

public struct FleetStats: Sendable {
    public var devices: [DeviceStats]

    public subscript(site: String, device: String) -> DeviceStats? {
        devices.first { $0.key.site.rawValue == site && $0.key.device.rawValue == device }
    }

    public var published: Int { devices.reduce(0) { $0 + $1.published } }
    public var dropped: Int { devices.reduce(0) { $0 + $1.dropped } }
    public var unsent: Int { devices.reduce(0) { $0 + $1.unsent } }
    public var replayedMessages: Int { devices.reduce(0) { $0 + $1.replayedMessages } }
    public var malformedSent: Int { devices.reduce(0) { $0 + $1.malformedSent } }
    public var ticketsReceived: Int { devices.reduce(0) { $0 + $1.ticketsReceived } }
    public var online: Int { devices.reduce(0) { $0 + ($1.online ? 1 : 0) } }
}
