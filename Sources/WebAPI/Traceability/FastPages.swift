import HTTPTypes
import Hummingbird
import NIOCore

/// A page the fast paths (`RawPageAnswerer` before HTTP's decoder, `LookupFastPath` after it) may
/// send without the router, and which of the router's header sets goes with it.
struct FastPage {
    enum Kind { case lookup, market }

    var body: ByteBuffer
    var kind: Kind
}

extension PublicLookup {
    /// The cached page for a plain `GET` of `target`, or nil when the router must answer: a ticket
    /// `/t/{code}` (`/T/` from an upper-case QR), an open kitchen `/k/{site}` (`/K/`), a stall's
    /// screen `/m/{market}/{stall}`. Never reads the store; a client over the lookup's rate limit
    /// gets nil too, so the router words the refusal (it asks the same limiter).
    func fastPage(target: Substring, acceptLanguage: String?, client: () -> String) -> FastPage? {
        let utf8 = target.utf8
        guard utf8.count > 3, utf8.first == UInt8(ascii: "/"), let letter = utf8.dropFirst().first.map({ $0 | 0x20 }),
              utf8.dropFirst(2).first == UInt8(ascii: "/") else { return nil }
        let rest = target.dropFirst(3)
        guard !rest.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "#") })
        else { return nil }
        let page: FastPage
        switch letter {
        case UInt8(ascii: "t"), UInt8(ascii: "k"):
            guard !rest.utf8.contains(UInt8(ascii: "/")) else { return nil }
            let language = PageLanguage.from(acceptLanguage: acceptLanguage)
            let cached = letter == UInt8(ascii: "t") ? cachedAnswer(rest, variant: language.rawValue)
                : kitchens.cached(rest, language: language)
            guard let cached else { return nil }
            page = FastPage(body: cached, kind: .lookup)
        case UInt8(ascii: "m") where utf8.dropFirst().first == UInt8(ascii: "m"):
            let parts = rest.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 2, let cached = screens.cachedPage(site: parts[0], stall: parts[1]) else { return nil }
            page = FastPage(body: cached, kind: .market)
        default:
            return nil
        }
        if let limiter { guard case .allowed = limiter.take(client: client()) else { return nil } }
        fastAnswers.add(1, ordering: .relaxed)
        return page
    }
}

/// The heads the fast paths send: the router's page headers plus the security middleware's, as the
/// router path sends them, also encoded once as HTTP/1.1 bytes for `RawPageAnswerer`.
struct FastPageHeads: Sendable {
    let lookup: HTTPFields
    let market: HTTPFields
    private let lookupBytes: [UInt8]
    private let marketBytes: [UInt8]

    init(serverName: String?, servesHTTPS: Bool) {
        func complete(_ base: HTTPFields) -> HTTPFields {
            var fields = base
            SecurityHeadersMiddleware.secure(&fields)
            if servesHTTPS { fields[.strictTransportSecurity] = SecurityHeadersMiddleware.strictTransportSecurity }
            if let serverName { fields[.server] = serverName }
            return fields
        }
        lookup = complete(LookupRoutes.htmlHeaders)
        market = complete(MarketPages.htmlHeaders)
        func encoded(_ fields: HTTPFields) -> [UInt8] {
            Array(("HTTP/1.1 200 OK\r\n" + fields.map { "\($0.name.rawName): \($0.value)\r\n" }.joined()).utf8)
        }
        lookupBytes = encoded(lookup)
        marketBytes = encoded(market)
    }

    func fields(_ kind: FastPage.Kind) -> HTTPFields { kind == .lookup ? lookup : market }

    /// Status line and headers of a 200 carrying `page`, ending with the empty line.
    func encodedHead(for page: FastPage, date: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        let fixed = page.kind == .lookup ? lookupBytes : marketBytes
        var head = allocator.buffer(capacity: fixed.count + 80)
        head.writeBytes(fixed)
        head.writeStaticString("content-length: ")
        head.writeString(String(page.body.readableBytes))
        head.writeStaticString("\r\ndate: ")
        head.writeString(date)
        head.writeStaticString("\r\n\r\n")
        return head
    }
}
