import KitchenModel

/// One sequenced telemetry sample, idempotent on (device, boot, seq).
public struct ReadingRecord: Sendable, Hashable {
    public var key: DeviceKey
    public var boot: Int64
    public var seq: Int64
    public var deviceTime: EpochMillis
    public var receivedAt: EpochMillis
    public var readings: Readings

    public init(key: DeviceKey, boot: Int64, seq: Int64, deviceTime: EpochMillis, receivedAt: EpochMillis,
                readings: Readings) {
        self.key = key
        self.boot = boot
        self.seq = seq
        self.deviceTime = deviceTime
        self.receivedAt = receivedAt
        self.readings = readings
    }
}

/// One sequenced event (`run`, `detection`, `weigh`), its body kept as JSON.
public struct EventRecord: Sendable, Hashable {
    public var key: DeviceKey
    public var boot: Int64
    public var seq: Int64
    public var deviceTime: EpochMillis
    public var receivedAt: EpochMillis
    public var type: String
    public var json: String

    public init(key: DeviceKey, boot: Int64, seq: Int64, deviceTime: EpochMillis, receivedAt: EpochMillis,
                type: String, json: String) {
        self.key = key
        self.boot = boot
        self.seq = seq
        self.deviceTime = deviceTime
        self.receivedAt = receivedAt
        self.type = type
        self.json = json
    }
}

/// The durable part of one device's state, written in the same transaction as the
/// readings it summarises so that `lastSeq` never runs ahead of what is stored.
public struct DeviceSnapshot: Sendable, Hashable {
    public var key: DeviceKey
    public var kind: DeviceKind?
    public var model: String?
    public var firmware: String?
    public var intervalSeconds: Int?
    public var replayBuffer: Int?
    public var boot: Int64?
    public var lastSeq: Int64?
    public var online: Bool
    public var onlineChangedAt: EpochMillis?
    public var lastSeen: EpochMillis?
    public var lastReading: StoredReading?
    public var lostCount: Int64
    /// Holes in the current and earlier boots still waiting for a replay.
    public var gaps: [SeqGap]
    /// The boot before `boot` and the highest seq received in it: a `state` can begin a boot
    /// before its birth says where numbering stands, and a restart in between must not forget
    /// what to compare the birth's `next_seq` with (SequenceTracker).
    public var previousBoot: Int64?
    public var previousLastSeq: Int64?

    public init(key: DeviceKey) {
        self.key = key
        self.online = false
        self.lostCount = 0
        self.gaps = []
    }
}

/// A sample as the state model keeps it: values plus device and receive time.
public struct StoredReading: Sendable, Hashable {
    public var seq: Int64?
    public var deviceTime: EpochMillis
    public var receivedAt: EpochMillis
    public var readings: Readings

    public init(seq: Int64?, deviceTime: EpochMillis, receivedAt: EpochMillis, readings: Readings) {
        self.seq = seq
        self.deviceTime = deviceTime
        self.receivedAt = receivedAt
        self.readings = readings
    }
}

/// An inclusive range of sequence numbers the gateway has not received.
public struct SeqGap: Sendable, Hashable, Codable {
    public var boot: Int64
    public var first: Int64
    public var last: Int64
    public var openedAt: EpochMillis

    public init(boot: Int64, first: Int64, last: Int64, openedAt: EpochMillis) {
        self.boot = boot
        self.first = first
        self.last = last
        self.openedAt = openedAt
    }

    public var count: Int64 { last - first + 1 }
    public func contains(_ seq: Int64) -> Bool { seq >= first && seq <= last }
}

/// A refused inbound message, kept in the bounded dead-letter table.
public struct RejectRecord: Sendable, Hashable {
    public var at: EpochMillis
    public var reason: String
    public var topic: String
    public var message: String
    public var payloadSize: Int
    /// The first bytes of the payload, enough to recognise it.
    public var payloadPrefix: [UInt8]

    public static let keptPayloadBytes = 512

    public init(at: EpochMillis, reason: String, topic: String, message: String, payload: [UInt8]) {
        self.at = at
        self.reason = reason
        self.topic = topic
        self.message = message
        self.payloadSize = payload.count
        self.payloadPrefix = Array(payload.prefix(Self.keptPayloadBytes))
    }

    public init(at: EpochMillis, reason: String, topic: String, message: String, payloadSize: Int,
                payloadPrefix: [UInt8]) {
        self.at = at
        self.reason = reason
        self.topic = topic
        self.message = message
        self.payloadSize = payloadSize
        self.payloadPrefix = payloadPrefix
    }
}

public enum WriteItem: Sendable, Hashable {
    case reading(ReadingRecord)
    case event(EventRecord)
    /// Coalesced per batch: only the newest snapshot of a device is written.
    case device(DeviceSnapshot)
    case reject(RejectRecord)
    /// A minted sale; idempotent on (scale, req) and on its id.
    case ticket(Ticket)
    /// The key that signed a ticket of the same batch, recorded the first time it signs.
    case ticketKey(TicketKeyRecord)
}
