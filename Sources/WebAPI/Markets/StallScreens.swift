import Hummingbird
import KitchenModel
import Synchronization

/// Each stall's screen page and its feed, rendered together from one read of the store and kept
/// for `lifetime`: a market opens with every screen loading at once, and each polls its feed every
/// 30 s for days. A page some seconds old is as good as a fresh one (the screen says when it was
/// updated); an entry made from another registry entry for the market (a reload) is not served.
final class StallScreens: Sendable {
    struct Entry {
        var page: ByteBuffer
        var feed: ByteBuffer
        var builtAt: EpochMillis
        var site: SiteConfig
    }

    let dependencies: APIDependencies
    static let lifetime: EpochMillis = 10_000
    static let capacity = 40_000
    private let entries = Mutex<[String: Entry]>([:])

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
        return cached(site, stall, now: dependencies.clock.now())?.page
    }

    /// The page and feed for a stall: cached, else gathered, rendered and cached.
    func entry(_ site: SiteConfig, _ stall: Stall) throws -> Entry {
        let now = dependencies.clock.now()
        if let entry = cached(site, stall, now: now) { return entry }
        let feed = try StallFeed.build(site: site, stall: stall, store: dependencies.store, now: now)
        let page = StallScreenPage.render(feed, feedPath: "/m/\(site.id)/\(stall.id)/feed.json")
        let entry = Entry(page: ByteBuffer(string: page), feed: ByteBuffer(bytes: JSONBody.encode(feed)), builtAt: now,
                          site: site)
        let key = Self.key(site.id, stall.id)
        entries.withLock { e in
            // Bounded like the kitchen pages: a full cache starts over.
            if e.count >= Self.capacity && e[key] == nil { e.removeAll(keepingCapacity: true) }
            e[key] = entry
        }
        return entry
    }

    private func cached(_ site: SiteConfig, _ stall: Stall, now: EpochMillis) -> Entry? {
        guard let entry = entries.withLock({ $0[Self.key(site.id, stall.id)] }),
              now >= entry.builtAt, now - entry.builtAt < Self.lifetime, entry.site == site else { return nil }
        return entry
    }

    private static func key(_ site: SiteID, _ stall: String) -> String { "\(site.rawValue)/\(stall)" }
}
