import KitchenModel

/// Size and clock limits the native decoder enforces (firmware-specs/README.md documents them).
public struct IngestLimits: Sendable {
    /// JSON payloads above this are refused before parsing (`payload_too_large`).
    public var maxJSONBytes = 65_536
    /// Snapshot and frame JPEGs above this are refused (`payload_too_large`).
    public var maxImageBytes = 2 * 1024 * 1024
    /// A device `ts` further ahead of the gateway clock than this is `clock_skew`.
    public var maxClockAheadMillis: Int64 = 600_000
    /// A device `ts` further behind the gateway clock than this is `clock_skew`. Seven days, so
    /// that a replay after a long outage still carries its original timestamps.
    public var maxClockBehindMillis: Int64 = 7 * 86_400_000

    public init() {}
}

/// What the gateway's registry knows about the device a topic names.
public enum DeviceLookup: Sendable, Equatable {
    case known(DeviceKind)
    case unknownSite
    case unknownDevice
}

/// The result of decoding one inbound MQTT message.
public enum IngestOutcome: Sendable {
    case message(DeviceMessage)
    case rejected(Rejection)
    /// The gateway's own outputs seen on a wildcard subscription: `ticket`, `cmd`,
    /// `bk/v1/_gateway/...`, `bk/v1/_regulator/...`, `bk/v1/<site>/_gateway/...`.
    case ignored
}
