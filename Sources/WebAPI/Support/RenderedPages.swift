import KitchenModel
import Synchronization

/// Public pages rendered for a site, kept for `lifetime`: a poster or a market's screens are
/// loaded by many at once, and a page some seconds old is as good as a fresh one. An entry made
/// from another registry entry for the site (a reload) is not served. Bounded crudely: a full
/// cache starts over (a province's sites in two languages fit).
final class RenderedPages<Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var builtAt: EpochMillis
        var site: SiteConfig
    }

    let lifetime: EpochMillis
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(lifetime: EpochMillis, capacity: Int = 40_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The value kept under `key` while current and made for this registry entry of `site`.
    func value(_ key: String, site: SiteConfig, now: EpochMillis) -> Value? {
        guard let entry = entries.withLock({ $0[key] }), now >= entry.builtAt, now - entry.builtAt < lifetime,
              entry.site == site else { return nil }
        return entry.value
    }

    func store(_ value: Value, key: String, site: SiteConfig, builtAt: EpochMillis) {
        let entry = Entry(value: value, builtAt: builtAt, site: site)
        entries.withLock { e in
            if e.count >= capacity && e[key] == nil { e.removeAll(keepingCapacity: true) }
            e[key] = entry
        }
    }
}
