import Hummingbird
import KitchenModel
import Synchronization

/// Rendered open-kitchen pages by site and language, each kept for `lifetime`: a poster on a
/// school gate is scanned by many parents at once, and a page a few seconds old is as good as
/// a fresh one (pictures are asked for separately, and checked again when served). An entry
/// made from another registry entry for the site (a reload) is not served.
final class KitchenPages: Sendable {
    struct Entry {
        var body: ByteBuffer
        var builtAt: EpochMillis
        var site: SiteConfig
    }

    let dependencies: APIDependencies
    /// How long a rendered page is served; the page says it updates every minute.
    static let lifetime: EpochMillis = 30_000
    static let capacity = 40_000
    private let entries = Mutex<[String: Entry]>([:])

    init(_ dependencies: APIDependencies) {
        self.dependencies = dependencies
    }

    /// `canteen-01`, or `CANTEEN-01` as the poster's upper-case QR URL arrives.
    func site(_ raw: Substring) -> SiteConfig? {
        guard raw.utf8.count <= 64 else { return nil }
        let id = SiteID(String(raw)) ?? SiteID(raw.lowercased())
        return id.flatMap { dependencies.sites.site($0) }
    }

    /// The cached page if it is still current; never renders and never reads the store (the
    /// lookup fast path asks on an event loop).
    func cached(_ raw: Substring, language: PageLanguage) -> ByteBuffer? {
        guard let site = site(raw) else { return nil }
        return cached(site, language: language, now: dependencies.clock.now())
    }

    private func cached(_ site: SiteConfig, language: PageLanguage, now: EpochMillis) -> ByteBuffer? {
        guard let entry = entries.withLock({ $0[Self.key(site.id, language)] }),
              now >= entry.builtAt, now - entry.builtAt < Self.lifetime, entry.site == site else { return nil }
        return entry.body
    }

    /// The page for a registered site: cached, else gathered, rendered and cached.
    func page(_ site: SiteConfig, language: PageLanguage) throws -> ByteBuffer {
        let now = dependencies.clock.now()
        if let body = cached(site, language: language, now: now) { return body }
        let facts = try KitchenFacts.gather(site, dependencies: dependencies, now: now)
        let body = ByteBuffer(string: KitchenPage.render(facts, language: language))
        let entry = Entry(body: body, builtAt: now, site: site)
        entries.withLock { e in
            // Crude but bounded (a province's sites in two languages fit): a full cache starts over.
            if e.count >= Self.capacity && e[Self.key(site.id, language)] == nil { e.removeAll(keepingCapacity: true) }
            e[Self.key(site.id, language)] = entry
        }
        return body
    }

    private static func key(_ site: SiteID, _ language: PageLanguage) -> String {
        "\(language.rawValue)/\(site.rawValue)"
    }
}
