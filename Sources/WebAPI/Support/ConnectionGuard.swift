import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// What one HTTP connection may cost: deadlines for a client that sends nothing or sends its
/// request head slowly (slowloris), and how many connections one address may hold at once.
struct ConnectionLimits: Sendable {
    /// No complete request head this long after the connection opened or the last answer ended:
    /// closed.
    var idleTimeout: TimeAmount = .seconds(30)
    /// A request head not complete this long after its first byte arrived: closed. With HTTPS the
    /// TLS handshake counts towards the first request's head.
    var headTimeout: TimeAmount = .seconds(10)
    /// Connections one client address may hold open; the next are closed at once. Trusted
    /// proxies are exempt (every client behind one shares its address).
    var maxPerAddress = 64

    static let standard = ConnectionLimits()
}

/// Open connections per peer address, shared by all connections of the server.
final class ConnectionCounter: Sendable {
    let limits: ConnectionLimits
    let exempt: TrustedProxies
    private let open = Mutex<[String: Int]>([:])
    /// Connections closed at once for being over the per-address cap, and closed by a deadline.
    let refused = Atomic<Int>(0)
    let timedOut = Atomic<Int>(0)

    init(limits: ConnectionLimits, exempt: TrustedProxies) {
        self.limits = limits
        self.exempt = exempt
    }

    /// Counts a new connection; false (and not counted) when the address is at its cap.
    func admit(_ peer: SocketAddress?) -> Bool {
        guard let ip = peer?.ipAddress, !exempt.contains(peer) else { return true }
        let admitted = open.withLock { open in
            let count = open[ip, default: 0]
            guard count < limits.maxPerAddress else { return false }
            open[ip] = count + 1
            return true
        }
        if !admitted { refused.add(1, ordering: .relaxed) }
        return admitted
    }

    func release(_ peer: SocketAddress?) {
        guard let ip = peer?.ipAddress, !exempt.contains(peer) else { return }
        open.withLock { open in
            let count = open[ip, default: 0] - 1
            open[ip] = count > 0 ? count : nil
        }
    }
}

/// Enforces `ConnectionLimits` on one connection. It sits first among the HTTP handlers (before
/// `LookupFastPath`, so fast answers count as activity) and sees request heads and answer ends;
/// on being added it puts a `ConnectionByteWatch` at the very front of the pipeline, which
/// reports the connection opening and the first raw byte of each request (HTTP's decoder only
/// passes a head on once it is complete). Between requests one deadline runs: idle from the
/// end of the last answer (or the connection's start), then head from the next request's first
/// byte. While a request is with the server, none runs.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let counter: ConnectionCounter
    private var context: ChannelHandlerContext?
    /// Request heads received whose answer has not ended yet.
    private var inFlight = 0
    private var idleDeadline: Scheduled<Void>?
    private var headDeadline: Scheduled<Void>?
    private var admitted = false
    private var peer: SocketAddress?

    init(counter: ConnectionCounter) {
        self.counter = counter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        do {
            try context.pipeline.syncOperations.addHandler(ConnectionByteWatch(self), position: .first)
        } catch {
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadlines()
        self.context = nil
    }

    // MARK: reports from the byte watch

    /// The connection is up: over the address's cap it is closed, else the idle deadline starts.
    fileprivate func opened(_ channel: any Channel) {
        guard !admitted, let context else { return }
        peer = channel.remoteAddress
        guard counter.admit(peer) else {
            context.close(promise: nil)
            return
        }
        admitted = true
        armIdle()
    }

    fileprivate func bytesArrived() {
        guard inFlight == 0, headDeadline == nil, let context else { return }
        headDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: counter.limits.headTimeout) { [weak self] in
            self?.expire()
        }
    }

    /// `RawPageAnswerer` answered a request before HTTP's decoder saw it: the connection is idle
    /// again, as after any answer.
    func answeredBeforeDecoding() {
        guard inFlight == 0 else { return }
        armIdle()
    }

    fileprivate func closed() {
        cancelDeadlines()
        if admitted {
            admitted = false
            counter.release(peer)
        }
    }

    // MARK: HTTP parts

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            inFlight += 1
            cancelDeadlines()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inFlight = max(0, inFlight - 1)
            if inFlight == 0 { armIdle() }
        }
        context.write(data, promise: promise)
    }

    // MARK: deadlines

    private func armIdle() {
        guard let context else { return }
        cancelDeadlines()
        idleDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: counter.limits.idleTimeout) { [weak self] in
            self?.expire()
        }
    }

    private func expire() {
        guard inFlight == 0, let context else { return }
        counter.timedOut.add(1, ordering: .relaxed)
        cancelDeadlines()
        context.close(promise: nil)
    }

    private func cancelDeadlines() {
        idleDeadline?.cancel()
        headDeadline?.cancel()
        idleDeadline = nil
        headDeadline = nil
    }
}

/// The front of the pipeline (before TLS and HTTP decoding): tells its `ConnectionGuard` when
/// the connection opens and closes and when bytes arrive. Passes everything on unchanged.
private final class ConnectionByteWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let guardian: ConnectionGuard

    init(_ guardian: ConnectionGuard) {
        self.guardian = guardian
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { guardian.opened(context.channel) }
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        guardian.opened(context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guardian.bytesArrived()
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        guardian.closed()
        context.fireChannelInactive()
    }
}
