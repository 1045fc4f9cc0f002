import KitchenModel

/// The protocol v1 topics of one device: `bk/v1/<site>/<device>/<channel>`.
struct DeviceTopics: Sendable, Hashable {
    let base: String

    init(site: SiteID, device: DeviceID) {
        base = "bk/v1/\(site.rawValue)/\(device.rawValue)/"
    }

    func topic(_ channel: Channel) -> String { base + channel.description }

    var state: String { topic(.state) }
    var birth: String { topic(.birth) }
    var telemetry: String { topic(.telemetry) }
    var event: String { topic(.event) }
    var weigh: String { topic(.weigh) }
    var cmd: String { topic(.cmd) }
    var ticket: String { topic(.ticket) }
}
