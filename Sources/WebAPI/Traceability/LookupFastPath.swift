import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Answers a scanned code whose page is already cached straight from the connection's event
/// loop, before the request reaches Hummingbird's router: a consumer lookup then costs about
/// as much CPU as nginx serving a static file, where the router's async request path costs
/// three times that. Everything else, and every case this handler does not fully decide
/// (a cache miss, a forgery, a rate-limited client, HEAD, query strings, `Connection`
/// headers), goes on to the router unchanged, which answers exactly as it would without it.
///
/// HTTP/1.1 answers must leave in request order: a request is only answered here when no
/// earlier request on the connection is still with the router. Nothing here reads the
/// database: what is not in memory is the router's. The connection's deadlines are kept by
/// `ConnectionGuard`, which sits before this handler and so sees these requests and answers
/// too (Hummingbird's own idle-timeout handler, after this one, is not used).
final class LookupFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let lookup: PublicLookup
    /// The router's page headers plus the security middleware's, as the router path sends them.
    private let pageHeaders: HTTPFields
    /// Requests passed to the router whose response has not ended yet.
    private var withRouter = 0
    /// The current request was answered here: its body and end are dropped.
    private var answered = false
    /// The peer's address, read once per connection.
    private var client: String?

    init(lookup: PublicLookup, serverName: String?, servesHTTPS: Bool = false) {
        self.lookup = lookup
        var fields = LookupRoutes.htmlHeaders
        SecurityHeadersMiddleware.secure(&fields)
        if servesHTTPS { fields[.strictTransportSecurity] = SecurityHeadersMiddleware.strictTransportSecurity }
        if let serverName { fields[.server] = serverName }
        pageHeaders = fields
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if withRouter == 0, let page = cachedPage(request, context: context) {
                answered = true
                lookup.fastAnswers.add(1, ordering: .relaxed)
                respond(page, context: context)
            } else {
                answered = false
                withRouter += 1
                context.fireChannelRead(data)
            }
        case .body, .end:
            if !answered { context.fireChannelRead(data) }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { withRouter = max(0, withRouter - 1) }
        context.write(data, promise: promise)
    }

    /// The cached page for a plain `GET /t/{code}` or `/T/{code}` (a ticket), or `/k/{site}` or
    /// `/K/{site}` (an open kitchen), a client may have now.
    private func cachedPage(_ request: HTTPRequest, context: ChannelHandlerContext) -> ByteBuffer? {
        guard request.method == .get, Self.keepsAlive(request.headerFields[.connection]),
              let path = request.path, path.utf8.count > 3 else { return nil }
        let utf8 = path.utf8
        guard utf8.first == UInt8(ascii: "/"), let letter = utf8.dropFirst().first.map({ $0 | 0x20 }),
              letter == UInt8(ascii: "t") || letter == UInt8(ascii: "k"),
              utf8.dropFirst(2).first == UInt8(ascii: "/") else { return nil }
        let code = path.dropFirst(3)
        guard !code.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "%") })
        else { return nil }
        let language = PageLanguage.from(acceptLanguage: request.headerFields[.acceptLanguage])
        let cached = letter == UInt8(ascii: "t") ? lookup.cachedAnswer(code, variant: language.rawValue)
            : lookup.kitchens.cached(code, language: language)
        guard let page = cached else { return nil }
        if let limiter = lookup.limiter {
            // The router asks the same limiter again and answers 429: one place words refusals.
            let client = self.client ?? context.channel.remoteAddress?.ipAddress ?? "unknown"
            self.client = client
            guard case .allowed = limiter.take(client: client) else { return nil }
        }
        return page
    }

    /// No `Connection` header, or `keep-alive` (browsers send it): the connection stays open
    /// after this answer. `close` and anything unusual are the router's to handle.
    private static func keepsAlive(_ connection: String?) -> Bool {
        guard let connection else { return true }
        return connection.utf8.count == 10 && connection.utf8.elementsEqual("keep-alive".utf8) { a, b in a | 0x20 == b }
    }

    private func respond(_ page: ByteBuffer, context: ChannelHandlerContext) {
        var fields = pageHeaders
        fields[.contentLength] = String(page.readableBytes)
        fields[.date] = HTTPDate.shared.now
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(page)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
