import Hummingbird
import KitchenModel

/// Rendered open-kitchen pages by site and language, each kept for `lifetime` (`RenderedPages`):
/// pictures are asked for separately, and checked again when served.
final class KitchenPages: Sendable {
    let dependencies: APIDependencies
    /// How long a rendered page is served; the page says it updates every minute.
    static let lifetime: EpochMillis = 30_000
    private let pages = RenderedPages<ByteBuffer>(lifetime: lifetime)

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
        return pages.value(Self.key(site.id, language), site: site, now: dependencies.clock.now())
    }

    /// The page for a registered site: cached, else gathered, rendered and cached.
    func page(_ site: SiteConfig, language: PageLanguage) throws -> ByteBuffer {
        let now = dependencies.clock.now()
        let key = Self.key(site.id, language)
        if let body = pages.value(key, site: site, now: now) { return body }
        let facts = try KitchenFacts.gather(site, dependencies: dependencies, now: now)
        let body = ByteBuffer(string: KitchenPage.render(facts, language: language))
        pages.store(body, key: key, site: site, builtAt: now)
        return body
    }

    private static func key(_ site: SiteID, _ language: PageLanguage) -> String {
        "\(language.rawValue)/\(site.rawValue)"
    }
}
