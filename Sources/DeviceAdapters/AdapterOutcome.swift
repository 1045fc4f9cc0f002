import KitchenModel

/// A canonical message made from a third-party payload, with the device's own clock reading
/// when the payload carries a trustworthy one (see `DeviceClock`).
///
/// Third-party devices have no boot or seq, so `message.sequence` is always nil; `deviceTime`
/// stands in for `SequenceStamp.deviceTime` and is nil when only the receive time is known.
public struct AdaptedMessage: Hashable, Sendable {
    public var message: DeviceMessage
    public var deviceTime: EpochMillis?

    public init(_ message: DeviceMessage, deviceTime: EpochMillis? = nil) {
        self.message = message
        self.deviceTime = deviceTime
    }
}

/// A bound device the payload could not feed, while others bound to the same source could.
public struct BindingProblem: Hashable, Sendable {
    public var key: DeviceKey
    public var rejection: Rejection
}

/// What the adapters made of one inbound MQTT message.
public enum AdapterOutcome: Hashable, Sendable {
    /// One or more canonical messages (a multi-probe Tasmota or a Frigate instance can feed
    /// several registry devices); `problems` lists bound devices this payload could not feed.
    case messages([AdaptedMessage], problems: [BindingProblem])
    /// The payload is unusable for every device bound to its source.
    case rejected(Rejection)
    /// A recognised family whose source no registry entry binds; counted by `UnmappedTally`.
    case unmapped(family: DeviceSource.Family, sourceID: String)
    /// A recognised topic that carries nothing the gateway uses (Tasmota INFO, Frigate stats,
    /// zigbee2mqtt bridge logs, a Frigate `end` already reported ...).
    case ignored(String)
    /// No adapter claims the topic: the native decoder (or nobody) should handle it.
    case notThirdParty
}

extension AdaptedMessage {
    /// Availability in any family's form becomes the native presence; third-party devices have
    /// no boot counter, so every presence is boot 0.
    static func presence(_ key: DeviceKey, online: Bool, receivedAt: EpochMillis) -> AdaptedMessage {
        AdaptedMessage(DeviceMessage(key: key, receivedAt: receivedAt, payload: .state(Presence(online: online, boot: 0))))
    }
}
