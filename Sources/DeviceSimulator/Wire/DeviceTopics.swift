import KitchenModel

/// The protocol v1 topics of one device, built once by `Topic` (the simulator publishes on them
/// at every tick).
struct DeviceTopics: Sendable, Hashable {
    let key: DeviceKey
    let state: String
    let birth: String
    let telemetry: String
    let event: String
    let weigh: String
    let cmd: String
    let ticket: String

    init(site: SiteID, device: DeviceID) {
        key = DeviceKey(site: site, device: device)
        func topic(_ channel: Channel) -> String { Topic.device(DeviceKey(site: site, device: device), channel).description }
        state = topic(.state)
        birth = topic(.birth)
        telemetry = topic(.telemetry)
        event = topic(.event)
        weigh = topic(.weigh)
        cmd = topic(.cmd)
        ticket = topic(.ticket)
    }

    func topic(_ channel: Channel) -> String { Topic.device(key, channel).description }

    /// A channel protocol v1 does not have: malformed traffic, on purpose.
    func unknownChannel(_ name: String) -> String { TopicFilter.devicePrefix(key) + name }
}
