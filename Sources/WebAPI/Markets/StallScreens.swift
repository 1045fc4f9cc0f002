import Hummingbird
import KitchenModel

/// Each stall's screen page and its feed, rendered together from one read of the store and kept
/// for `lifetime`: a market opens with every screen loading at once, and each polls its feed every
/// 30 s for days (the screen says when it was updated).
final class StallScreens: Sendable {
    struct Screen: Sendable {
        var page: ByteBuffer
        var feed: ByteBuffer
    }

    let dependencies: APIDependencies
    static let lifetime: EpochMillis = 10_000
    private let screens = RenderedPages<Screen>(lifetime: lifetime)

    init(_ dependencies: APIDependencies) {
        self.dependencies = dependencies
    }

    /// The market and stall named by a path's two segments, when both exist.
    func stall(site raw: Substring, stall: Substring) -> (SiteConfig, Stall)? {
        guard raw.utf8.count <= 64, stall.utf8.count <= 64, let id = SiteID(String(raw)),
              let site = dependencies.sites.site(id), site.kind == .market,
              let stall = site.stall(String(stall)) else { return nil }
        return (site, stall)
    }

    /// The cached page while current; never renders and never reads the store (the fast paths ask
    /// on an event loop).
    func cachedPage(site raw: Substring, stall: Substring) -> ByteBuffer? {
        guard let (site, stall) = self.stall(site: raw, stall: stall) else { return nil }
        return screens.value(Self.key(site.id, stall.id), site: site, now: dependencies.clock.now())?.page
    }

    /// The page and feed for a stall: cached, else gathered, rendered and cached.
    func screen(_ site: SiteConfig, _ stall: Stall) throws -> Screen {
        let now = dependencies.clock.now()
        let key = Self.key(site.id, stall.id)
        if let screen = screens.value(key, site: site, now: now) { return screen }
        let feed = try StallFeed.build(site: site, stall: stall, store: dependencies.store, now: now)
        let page = StallScreenPage.render(feed, feedPath: "/m/\(site.id)/\(stall.id)/feed.json")
        let screen = Screen(page: ByteBuffer(string: page), feed: ByteBuffer(bytes: JSONBody.encode(feed)))
        screens.store(screen, key: key, site: site, builtAt: now)
        return screen
    }

    private static func key(_ site: SiteID, _ stall: String) -> String { "\(site.rawValue)/\(stall)" }
}
