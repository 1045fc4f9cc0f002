import Hummingbird
import KitchenModel
import Synchronization
import Traceability

/// What a scanned code is answered with, shared by the lookup routes and the lookup fast path
/// in front of the router: the code is verified (HMAC, no database for a forgery), then served
/// from the answer cache while it is current, else read, rendered and cached.
final class PublicLookup: Sendable {
    let dependencies: APIDependencies
    let cache = LookupCache()
    /// The open-kitchen pages, answered from the same fast path while cached.
    let kitchens: KitchenPages
    /// The markets' stall screens and feeds; the screen is answered from the fast paths too.
    let screens: StallScreens
    /// Per client address; nil when switched off (`--lookup-rate-limit off`).
    let limiter: ClientRateLimiter?
    /// Answers the fast paths sent without the router (tests read it).
    let fastAnswers = Atomic<Int>(0)
    /// Of those, the ones sent from the request's bytes, before HTTP's decoder (`RawPageAnswerer`).
    let rawAnswers = Atomic<Int>(0)

    init(_ dependencies: APIDependencies) {
        self.dependencies = dependencies
        kitchens = KitchenPages(dependencies)
        screens = StallScreens(dependencies)
        limiter = dependencies.lookupRateLimit.map { ClientRateLimiter(limit: $0) }
    }

    /// The page (`zh`, `en`) or JSON (`json`) for a code.
    func answer(_ text: String, variant: String) throws -> ByteBuffer {
        let code = try TicketLookup.verify(text, codes: dependencies.traceability)
        if let body = cached(code, variant: variant, memoryOnly: false) { return body }
        let lookup = try TicketLookup.load(code, store: dependencies.store, batches: dependencies.traceability,
                                           sites: dependencies.sites)
        let body = if let language = PageLanguage(rawValue: variant) {
            ByteBuffer(string: TicketPage.render(lookup, language: language))
        } else {
            ByteBuffer(bytes: JSONBody.encode(lookup))
        }
        cache.store(body, ticket: code.ticketID.rawValue, variant: variant, from: lookup)
        return body
    }

    /// The cached answer for a genuine code, or nil for anything that needs more than memory:
    /// a forgery, an unknown or changed ticket, a batch not in memory. Never touches the database.
    func cachedAnswer(_ text: Substring, variant: String) -> ByteBuffer? {
        guard let code = try? dependencies.traceability.verify(String(text)) else { return nil }
        return cached(code, variant: variant, memoryOnly: true)
    }

    private func cached(_ code: TicketCode, variant: String, memoryOnly: Bool) -> ByteBuffer? {
        cache.body(ticket: code.ticketID.rawValue, variant: variant, batches: dependencies.traceability,
                   sites: dependencies.sites, memoryOnly: memoryOnly)
    }
}
