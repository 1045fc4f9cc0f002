import KitchenModel

/// Where a third-party device publishes: enough to find the registry devices a topic feeds.
struct SourceAddress: Hashable, Sendable {
    var family: DeviceSource.Family
    /// The Frigate instance prefix; empty for the other families.
    var instance: String
    var sourceID: String
}

/// One registry device bound to a third-party source.
public struct Binding: Hashable, Sendable {
    public let key: DeviceKey
    public let source: DeviceSource
}

/// The registry's `source:` entries indexed by the address their messages arrive on. Built
/// once per registry (re)load; lookups run on the MQTT thread and are dictionary reads.
public struct SourceBindings: Sendable {
    private var byAddress: [SourceAddress: [Binding]] = [:]
    /// Frigate instances in use, plus the default one so that an unbound default Frigate shows
    /// up as unmapped rather than as a foreign topic.
    public private(set) var frigateInstances: Set<String> = [DeviceSource.defaultFrigateInstance]
    /// GA/T 1400 devices by the digest user name they authenticate with (the request names no device).
    private var gat1400Users: [String: Binding] = [:]

    public struct ConflictError: Error, Hashable, Sendable, CustomStringConvertible {
        public let first: DeviceKey
        public let second: DeviceKey
        public let source: String

        public var description: String {
            "devices '\(first)' and '\(second)' are both bound to \(source) with the same selection; "
                + "give each a different sensor/probe"
        }
    }

    public init() {}

    public init(_ sources: [DeviceKey: DeviceSource]) throws(ConflictError) {
        for (key, source) in sources.sorted(by: { $0.key < $1.key }) {
            let address = SourceAddress(family: source.family, instance: source.instance ?? "", sourceID: source.sourceID)
            var bound = byAddress[address, default: []]
            // Two devices fed by the same reading would double every alarm; a plug and a
            // thermometer on one Tasmota differ by role and may share a topic.
            if let clash = bound.first(where: { $0.source.sensor == source.sensor && ($0.source.plug == nil) == (source.plug == nil) }) {
                throw ConflictError(first: clash.key, second: key, source: "\(source.family.rawValue) '\(source.sourceID)'")
            }
            bound.append(Binding(key: key, source: source))
            byAddress[address] = bound
            if source.family == .gat1400, let user = source.push?.username {
                if let clash = gat1400Users[user] {
                    throw ConflictError(first: clash.key, second: key, source: "gat1400 user name '\(user)'")
                }
                gat1400Users[user] = Binding(key: key, source: source)
            }
            if let instance = source.instance { frigateInstances.insert(instance) }
        }
    }

    func bindings(_ family: DeviceSource.Family, _ sourceID: String, instance: String = "") -> [Binding] {
        byAddress[SourceAddress(family: family, instance: instance, sourceID: sourceID)] ?? []
    }

    /// Every device bound under a Frigate instance or to zigbee2mqtt, for instance-wide presence.
    func all(_ family: DeviceSource.Family, instance: String = "") -> [Binding] {
        byAddress.filter { $0.key.family == family && $0.key.instance == instance }
            .flatMap(\.value).sorted { $0.key < $1.key }
    }

    /// The registry device an ISAPI or GA/T 1400 camera with this id is bound to.
    public func pushBinding(_ family: DeviceSource.Family, id: String) -> Binding? {
        family.pushesOverHTTP ? bindings(family, id).first : nil
    }

    /// The GA/T 1400 device that authenticates with this digest user name.
    public func gat1400Binding(username: String) -> Binding? { gat1400Users[username] }

    var boundKeys: Set<DeviceKey> { Set(byAddress.values.flatMap { $0.map(\.key) }) }
}

extension SourceBindings {
    /// The MQTT topic filters the gateway subscribes to for these bindings. Families with a fixed
    /// prefix (Tasmota, zigbee2mqtt, every Frigate instance including the default) are always
    /// watched, so devices nobody bound yet show up as unmapped. Shelly topics start with the
    /// device id and have no common prefix: only bound Shellys are subscribed, or a `+/online`
    /// would pull in every stranger on a shared broker.
    public var topicFilters: [String] {
        var filters: Set<String> = ["tele/#", ZigbeeAdapter.baseTopic + "/#"]
        for instance in frigateInstances { filters.insert(instance + "/#") }
        for address in byAddress.keys where address.family == .shelly {
            filters.insert(address.sourceID + "/events/rpc")
            filters.insert(address.sourceID + "/online")
        }
        return filters.sorted()
    }

    /// Whether a source as `UnmappedTally` names it (`<instance>/<camera>` or a bare instance for
    /// Frigate) has a registry device bound to it.
    public func binds(family: DeviceSource.Family, sourceID: String) -> Bool {
        family == .frigate ? hasFrigateSource(sourceID) : !bindings(family, sourceID).isEmpty
    }

    /// Whether `<instance>/<camera>` (or a bare instance) has a bound camera.
    func hasFrigateSource(_ sourceID: String) -> Bool {
        if !all(.frigate, instance: sourceID).isEmpty { return true }
        guard let slash = sourceID.lastIndex(of: "/") else { return false }
        return !bindings(.frigate, String(sourceID[sourceID.index(after: slash)...]),
                         instance: String(sourceID[..<slash])).isEmpty
    }
}
