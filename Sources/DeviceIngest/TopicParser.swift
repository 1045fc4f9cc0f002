import KitchenModel

/// What a `bk/v1/...` topic means to ingest.
public enum NativeTopic: Hashable, Sendable {
    /// A device's inbound channel.
    case device(DeviceKey, Channel)
    /// One of the gateway's own outputs (`ticket`, `cmd`, `_gateway`, `_regulator`), which a
    /// wildcard subscription echoes back to us; never decoded.
    case gatewayOutput
}

/// Ingest's view of `Topic.parse` (KitchenModel, the one topic parser): inbound device channels,
/// or the gateway's own outputs to ignore.
public enum TopicParser {
    public static let prefix = Topic.prefix

    @inline(__always)
    public static func parse(_ topic: String) throws(Rejection) -> NativeTopic {
        switch try Topic.parse(topic) {
        case .device(_, .ticket), .device(_, .cmd), .siteFeed, .regulatorFeed, .gatewayState, .reserved:
            return .gatewayOutput
        case let .device(key, channel):
            return .device(key, channel)
        }
    }
}
