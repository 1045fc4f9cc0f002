import KitchenModel

/// Which ingest shard each site belongs to (docs/scale-out.md, "Shards and leases"): its registry
/// `shard:` when given, else its county code (the six digits of its region, without a station),
/// so one county's kitchens share one shard, one MQTT session and one owner at a time.
public enum ShardMap {
    /// Shard names go into an MQTT client id (`brightkitchen-shard-<name>`) and a topic: short, plain.
    static let maxLength = 32

    public static func shard(of site: SiteConfig) -> String {
        site.shard ?? site.region.county
    }

    /// Every shard of `registry` with its sites.
    public static func shards(of registry: Registry) -> [String: Set<SiteID>] {
        var result: [String: Set<SiteID>] = [:]
        for site in registry.sites.values { result[shard(of: site), default: []].insert(site.id) }
        return result
    }

    /// The part of `registry` one shard serves: its sites and their devices only.
    public static func restrict(_ registry: Registry, to shard: String) throws -> Registry {
        let sites = registry.sites.values.filter { Self.shard(of: $0) == shard }
        let ids = Set(sites.map(\.id))
        return try Registry(sites: Array(sites), devices: registry.devices.values.filter { ids.contains($0.key.site) })
    }

    /// The MQTT filters of one site's topics, with their QoS: its devices' channels (and the
    /// gateway's outputs for it) at QoS 1, so the session keeps them while no owner holds it; its
    /// cameras' `snapshot/<id>` at QoS 0. Not `bk/v1/<site>/#`: NATS makes every QoS 1 filter of a
    /// persistent session a replicated JetStream consumer (a `#` filter two), created at about two
    /// a second, so a province's first start would wait for twice as many. A snapshot published
    /// while the shard changes owner is lost (its event still raises the alarm, without the picture).
    public static func topicFilters(of site: SiteID) -> [String: Int] {
        ["\(Topic.prefix)\(site)/+/+": 1, "\(Topic.prefix)\(site)/+/snapshot/+": 0]
    }

    /// Every filter of `sites`' topics with its QoS.
    public static func topicFilters(of sites: some Sequence<SiteID>) -> [String: Int] {
        var filters: [String: Int] = [:]
        for site in sites { filters.merge(topicFilters(of: site)) { first, _ in first } }
        return filters
    }

    /// The client id of a shard's persistent session: whoever owns the shard resumes it.
    public static func clientID(of shard: String) -> String { "brightkitchen-shard-\(shard)" }

    /// A registry `shard:` value: nil when absent, else 1-32 characters of a-z 0-9 - _.
    static func parseOverride<E: Error>(_ raw: String?, at: String, fail: (String) -> E) throws -> String? {
        guard let raw else { return nil }
        let plain = raw.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }
        guard !raw.isEmpty, raw.utf8.count <= maxLength, plain else {
            throw fail("\(at): shard '\(TerminalText.escape(raw))' must be 1-\(maxLength) characters of a-z 0-9 - _")
        }
        return raw
    }
}
