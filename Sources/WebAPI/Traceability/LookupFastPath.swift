import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a scanned code, a kitchen's door poster or a stall's screen whose page is already
/// cached straight from the connection's event loop, before the request reaches Hummingbird's
/// router, whose async request path costs several times the CPU. Everything else, and every case
/// the fast path does not fully decide (a cache miss, a forgery, a rate-limited client, HEAD,
/// query strings, `Connection` headers), goes on to the router unchanged, which answers exactly
/// as it would without it (`PublicLookup.fastPage`).
///
/// Two places answer. First `RawPageAnswerer`, which this handler puts in front of HTTP's codec:
/// a connection's plain keep-alive `GET`s are answered from their bytes, with a head encoded
/// once, until the connection sends anything else. From then on its bytes all go through HTTP's
/// decoder, and this handler, after the decoder, answers cached pages from the parsed head.
///
/// HTTP/1.1 answers must leave in request order: a request is only answered here when no
/// earlier request on the connection is still with the router. Nothing here reads the
/// database: what is not in memory is the router's. The connection's deadlines are kept by
/// `ConnectionGuard`, which sits before this handler and so sees these requests and answers
/// too, and is told of the raw answerer's (Hummingbird's own idle-timeout handler is not used).
final class LookupFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let lookup: PublicLookup
    private let heads: FastPageHeads
    private let connectionGuard: ConnectionGuard?
    /// Requests passed to the router whose response has not ended yet.
    private var withRouter = 0
    /// The current request was answered here: its body and end are dropped.
    private var answered = false
    /// The peer's address, read once per connection.
    private var client: String?

    init(lookup: PublicLookup, heads: FastPageHeads, connectionGuard: ConnectionGuard? = nil) {
        self.lookup = lookup
        self.heads = heads
        self.connectionGuard = connectionGuard
    }

    convenience init(lookup: PublicLookup, serverName: String?, servesHTTPS: Bool = false) {
        self.init(lookup: lookup, heads: FastPageHeads(serverName: serverName, servesHTTPS: servesHTTPS))
    }

    /// Puts the raw answerer right before HTTP's response encoder: after TLS (it reads plain
    /// bytes) and before the codec (its answers are bytes). Without an encoder (not HTTP/1.1's
    /// pipeline) there is no raw answerer and this handler answers alone.
    func handlerAdded(context: ChannelHandlerContext) {
        let operations = context.pipeline.syncOperations
        guard let encoder = try? operations.handler(type: HTTPResponseEncoder.self) else { return }
        let raw = RawPageAnswerer(fastPath: self, heads: heads)
        try? operations.addHandler(raw, position: .before(encoder))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if withRouter == 0, let page = cachedPage(request, context: context) {
                answered = true
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

    /// For `RawPageAnswerer`: the page for a request it parsed, or nil for the router.
    func page(for request: PlainGetRequest, context: ChannelHandlerContext) -> FastPage? {
        guard withRouter == 0 else { return nil }
        return lookup.fastPage(target: request.target[...], acceptLanguage: request.acceptLanguage) {
            clientAddress(context)
        }
    }

    /// For `RawPageAnswerer`: a request was answered before HTTP's decoder.
    func answeredRaw() {
        lookup.rawAnswers.add(1, ordering: .relaxed)
        connectionGuard?.answeredBeforeDecoding()
    }

    private func cachedPage(_ request: HTTPRequest, context: ChannelHandlerContext) -> FastPage? {
        guard request.method == .get, Self.keepsAlive(request.headerFields[.connection]),
              let path = request.path else { return nil }
        return lookup.fastPage(target: path[...], acceptLanguage: request.headerFields[.acceptLanguage]) {
            clientAddress(context)
        }
    }

    private func clientAddress(_ context: ChannelHandlerContext) -> String {
        let client = self.client ?? context.channel.remoteAddress?.ipAddress ?? "unknown"
        self.client = client
        return client
    }

    /// No `Connection` header, or `keep-alive` (browsers send it): the connection stays open
    /// after this answer. `close` and anything unusual are the router's to handle.
    private static func keepsAlive(_ connection: String?) -> Bool {
        guard let connection else { return true }
        return connection.utf8.count == 10 && connection.utf8.elementsEqual("keep-alive".utf8) { a, b in a | 0x20 == b }
    }

    private func respond(_ page: FastPage, context: ChannelHandlerContext) {
        var fields = heads.fields(page.kind)
        fields[.contentLength] = String(page.body.readableBytes)
        fields[.date] = HTTPDate.shared.now
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(page.body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

/// The byte-level half of `LookupFastPath` (see there), in front of HTTP's codec. While nothing of
/// the connection has gone to HTTP's decoder, a read that is exactly one plain keep-alive `GET`
/// (`PlainGetRequest`) of a cached page is answered here, its head written from bytes encoded
/// once. The first read that is anything else goes on to the decoder, and so does every later
/// byte of the connection: the decoder may then hold part of a request, and only it can say
/// where the next one starts.
final class RawPageAnswerer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let fastPath: LookupFastPath
    private let heads: FastPageHeads
    private var passingOn = false

    init(fastPath: LookupFastPath, heads: FastPageHeads) {
        self.fastPath = fastPath
        self.heads = heads
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !passingOn {
            if let request = PlainGetRequest.parse(unwrapInboundIn(data)),
               let page = fastPath.page(for: request, context: context) {
                let head = heads.encodedHead(for: page, date: HTTPDate.shared.now, allocator: context.channel.allocator)
                context.write(wrapOutboundOut(head), promise: nil)
                context.writeAndFlush(wrapOutboundOut(page.body), promise: nil)
                fastPath.answeredRaw()
                return
            }
            passingOn = true
        }
        context.fireChannelRead(data)
    }
}
