/// Every MQTT topic of protocol v1 (PROTOCOL.md), built and parsed here and nowhere else: the
/// gateway, the simulator, the benchmarks and the tests all go through this type.
public enum Topic: Hashable, Sendable, CustomStringConvertible {
    /// `bk/v1/<site>/<device>/<channel>`, `.../snapshot/<id>`; `ticket` and `cmd` are the
    /// gateway's replies and commands to the device.
    case device(DeviceKey, Channel)
    /// `bk/v1/<site>/_gateway/<feed>`: a site's alarm changes, daily digest or complaint steps.
    case siteFeed(SiteID, Feed)
    /// `bk/v1/_regulator/<province>/<city>/<county>/<feed>`, so a regulator subscribes one prefix.
    case regulatorFeed(RegionCode, Feed)
    /// `bk/v1/_gateway/<gateway-id>/state`: the gateway's retained online state (its Will).
    case gatewayState(gatewayID: String)
    /// Under a reserved `_` id but none of the above (a later version's gateway output): never a
    /// device's, so ingest ignores it. The path after `bk/v1/`.
    case reserved(String)

    public enum Feed: String, Sendable, CaseIterable {
        case alarms, digest, complaints
    }

    public static let prefix = "bk/v1/"

    /// The topic's text.
    public var description: String {
        switch self {
        case let .device(key, channel): "bk/v1/\(key.site)/\(key.device)/\(channel)"
        case let .siteFeed(site, feed): "bk/v1/\(site)/_gateway/\(feed.rawValue)"
        case let .regulatorFeed(region, feed):
            "bk/v1/_regulator/\(region.province)/\(region.city)/\(region.county)/\(feed.rawValue)"
        case let .gatewayState(id): "bk/v1/_gateway/\(id)/state"
        case let .reserved(path): Self.prefix + path
        }
    }

    /// A device topic from raw ids; nil when either is not a valid id (tools and benchmarks).
    public static func device(site: String, device: String, _ channel: Channel) -> Topic? {
        guard let site = SiteID(site), let device = DeviceID(device) else { return nil }
        return .device(DeviceKey(site: site, device: device), channel)
    }

    /// Whether a topic is in the protocol's own namespace (`bk/...`), as opposed to a third-party
    /// device's (Tasmota, zigbee2mqtt, Shelly, Frigate).
    public static func isProtocolNamespace(_ topic: String) -> Bool { topic.hasPrefix("bk/") }

    /// Where the gateway times small messages through the broker: outside `bk/v1/#`, so the
    /// gateway's own subscription never overlaps it.
    public static func delayProbe(clientID: String) -> String { "brightkitchen/\(clientID)/probe" }
}

/// Subscription and ACL patterns over the same topics (wildcards allowed here, never in a `Topic`).
public enum TopicFilter {
    /// Everything of protocol v1: the gateway's subscription.
    public static let all = "bk/v1/#"
    /// Every gateway's state topic.
    public static let gatewayStates = "bk/v1/_gateway/+/state"

    /// One channel of every device (`bk/v1/+/+/birth`).
    public static func everyDevice(_ channel: Channel) -> String { "bk/v1/+/+/\(channel)" }

    /// Everything under one device, `bk/v1/<site>/<device>/`, for ACL patterns that append a channel.
    public static func devicePrefix(_ key: DeviceKey) -> String { "bk/v1/\(key.site)/\(key.device)/" }

    /// A regulator's alarms and digests for a scope of 2, 4 or 6 digits (`bk/v1/_regulator/42/4201/#`);
    /// nil for any other scope.
    public static func regulator(scope: String) -> String? {
        guard [2, 4, 6].contains(scope.utf8.count), scope.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let levels = stride(from: 2, through: scope.count, by: 2).map { String(scope.prefix($0)) }
        return "bk/v1/_regulator/" + levels.joined(separator: "/") + "/#"
    }
}
