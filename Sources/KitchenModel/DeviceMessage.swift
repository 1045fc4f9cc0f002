/// The last segment(s) of a `bk/v1/<site>/<device>/<channel>` topic.
public enum Channel: Hashable, Sendable, CustomStringConvertible {
    case birth, state, telemetry, event, frame, weigh, ticket, cmd
    case snapshot(id: String)

    public var description: String {
        switch self {
        case .birth: "birth"
        case .state: "state"
        case .telemetry: "telemetry"
        case .event: "event"
        case .frame: "frame"
        case .weigh: "weigh"
        case .ticket: "ticket"
        case .cmd: "cmd"
        case .snapshot(let id): "snapshot/\(id)"
        }
    }

    /// The name used for metrics labels (`snapshot/<id>` collapses to `snapshot`).
    public var family: String {
        if case .snapshot = self { return "snapshot" }
        return description
    }
}

/// What a device announces when it (re)connects.
public struct Birth: Hashable, Sendable {
    public var kind: DeviceKind
    public var model: String
    public var firmware: String
    /// Counts the device's connections; a Will carrying an older boot is stale.
    public var boot: Int64
    public var intervalSeconds: Int
    /// How many recent sequenced messages the device can replay; nil when unknown.
    public var replayBuffer: Int?
    /// The seq the device's next sequenced message will carry. Lets the gateway see
    /// messages lost just before the birth (or first after it) that no later message reveals.
    public var nextSeq: Int64?

    public init(kind: DeviceKind, model: String, firmware: String, boot: Int64, intervalSeconds: Int,
                replayBuffer: Int? = nil, nextSeq: Int64? = nil) {
        self.kind = kind
        self.model = model
        self.firmware = firmware
        self.boot = boot
        self.intervalSeconds = intervalSeconds
        self.replayBuffer = replayBuffer
        self.nextSeq = nextSeq
    }
}

/// The retained `state` message and the device's Will.
public struct Presence: Hashable, Sendable {
    public var online: Bool
    public var boot: Int64

    public init(online: Bool, boot: Int64) {
        self.online = online
        self.boot = boot
    }
}

public enum DevicePayload: Hashable, Sendable {
    case birth(Birth)
    case state(Presence)
    case telemetry(Readings)
    case event(EventBody)
    case weigh(WeighRequest)
    case snapshot(id: String, jpeg: [UInt8])
    case frame(jpeg: [UInt8])

    /// Whether the gateway stores this message before acknowledging it to the broker: births and
    /// states a device cannot replay, and events. Telemetry is batched (sequence numbers and replay
    /// close any gap); a weighing's ticket is committed before its reply, not before the PUBACK;
    /// pictures are analysed, not stored as sent.
    public var isStoredBeforeAcknowledgement: Bool {
        switch self {
        case .birth, .state, .event: true
        case .telemetry, .weigh, .snapshot, .frame: false
        }
    }

    public var channelFamily: String {
        switch self {
        case .birth: "birth"
        case .state: "state"
        case .telemetry: "telemetry"
        case .event: "event"
        case .weigh: "weigh"
        case .snapshot: "snapshot"
        case .frame: "frame"
        }
    }
}

/// Where a sequenced message sits in its device's stream: the idempotency key is
/// (device, boot, seq), so a redelivered or replayed message is recognised.
public struct SequenceStamp: Hashable, Sendable {
    public var seq: Int64
    /// Device time, milliseconds since the epoch.
    public var deviceTime: EpochMillis
    /// The boot the message was recorded in, when the device says so (replays must);
    /// nil means "the device's current boot".
    public var boot: Int64?

    public init(seq: Int64, deviceTime: EpochMillis, boot: Int64? = nil) {
        self.seq = seq
        self.deviceTime = deviceTime
        self.boot = boot
    }
}

/// One decoded, validated message from a device, in the gateway's canonical form.
public struct DeviceMessage: Hashable, Sendable {
    public var key: DeviceKey
    public var receivedAt: EpochMillis
    /// Set for `telemetry`, `event` and `weigh`.
    public var sequence: SequenceStamp?
    public var payload: DevicePayload

    public init(key: DeviceKey, receivedAt: EpochMillis, sequence: SequenceStamp? = nil, payload: DevicePayload) {
        self.key = key
        self.receivedAt = receivedAt
        self.sequence = sequence
        self.payload = payload
    }
}
