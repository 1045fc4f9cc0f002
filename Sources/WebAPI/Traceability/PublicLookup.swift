import Gateway
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
    /// Per client address; nil when switched off (`--lookup-rate-limit off`).
    let limiter: ClientRateLimiter?
    /// Answers `LookupFastPath` sent without the router (tests read it).
    let fastAnswers = Atomic<Int>(0)

    init(_ dependencies: APIDependencies) {
        self.dependencies = dependencies
        limiter = dependencies.lookupRateLimit.map { ClientRateLimiter(limit: $0) }
    }

    /// The page (`zh`, `en`) or JSON (`json`) for a code.
    func answer(_ text: String, variant: String) throws -> ByteBuffer {
        let service = try traceability()
        let code = try TicketLookup.verify(text, keyring: service.issuer.keyring)
        if let body = cached(code, variant: variant, service: service, memoryOnly: false) { return body }
        let lookup = try TicketLookup.load(code, store: dependencies.store, batches: service.batches, model: dependencies.model)
        let body = if let language = PageLanguage(rawValue: variant) {
            ByteBuffer(string: TicketPage.render(lookup, language: language))
        } else {
            ByteBuffer(bytes: JSONBody.encode(lookup))
        }
        cache.store(body, ticket: code.ticketID.rawValue, variant: variant, from: lookup)
        return body
    }

    /// The cached answer for a genuine code, or nil for anything that needs more than memory:
    /// a forgery, an unknown or changed ticket, a batch not in memory, traceability switched
    /// off. Never touches the database.
    func cachedAnswer(_ text: Substring, variant: String) -> ByteBuffer? {
        guard let service = dependencies.traceability,
              let code = try? service.issuer.keyring.verify(String(text)) else { return nil }
        return cached(code, variant: variant, service: service, memoryOnly: true)
    }

    private func cached(_ code: TicketCode, variant: String, service: TraceabilityService, memoryOnly: Bool)
        -> ByteBuffer?
    {
        cache.body(ticket: code.ticketID.rawValue, variant: variant, batches: service.batches, model: dependencies.model,
                   memoryOnly: memoryOnly)
    }

    private func traceability() throws -> TraceabilityService {
        guard let service = dependencies.traceability else {
            throw APIError(.serviceUnavailable, "unavailable", "traceability is not running")
        }
        return service
    }
}
