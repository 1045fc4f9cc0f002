import GatewayPorts
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// The router the gateway serves; tests build exactly this one.
public func buildRouter(_ dependencies: APIDependencies) -> Router<GatewayRequestContext> {
    buildRouter(dependencies, lookup: PublicLookup(dependencies))
}

func buildRouter(_ dependencies: APIDependencies, lookup: PublicLookup) -> Router<GatewayRequestContext> {
    let router = Router(context: GatewayRequestContext.self)
    let routes = RouteTable()
    // One failed-auth budget per client for the login form and the API's bearer tokens.
    let failures = AuthFailureLimit(limit: dependencies.authFailureLimit, proxies: dependencies.trustedProxies)
    router.add(middleware: SecurityHeadersMiddleware(servesHTTPS: dependencies.servesHTTPS))
    router.add(middleware: ErrorJSONMiddleware())
    router.add(middleware: PageNotFoundMiddleware())
    router.add(middleware: MethodNotAllowedMiddleware(routes: routes))
    OperationsRoutes(dependencies: dependencies).addOpen(to: router)
    OpenAPIRoutes().add(to: router)
    CameraPushRoutes(port: dependencies.cameraPush).add(to: router)
    let lookupGroup = router.group()
    if let limiter = lookup.limiter { lookupGroup.add(middleware: RateLimitMiddleware(limiter: limiter)) }
    LookupRoutes(lookup: lookup).add(to: lookupGroup)
    KitchenRoutes(lookup: lookup).add(to: lookupGroup)
    OpenGradeData(dependencies).add(to: lookupGroup)
    MarketPages(dependencies: dependencies, screens: lookup.screens).add(to: lookupGroup)
    // Ratings and complaints (docs/web.md): posts limited per address and per site by the desk,
    // the case page behind the lookup's limit.
    let feedback = FeedbackDesk(dependencies)
    FeedbackRoutes(desk: feedback).addPosts(to: router)
    FeedbackRoutes(desk: feedback).addCasePages(to: lookupGroup)
    let pages = router.group().add(middleware: PageErrorMiddleware())
    LoginRoutes(dependencies: dependencies, failures: failures).add(to: pages)
    DashboardRoutes(dependencies: dependencies).addOpen(to: pages)
    DashboardRoutes(dependencies: dependencies).add(to: pages.group().add(middleware: CookieAuthMiddleware(dependencies: dependencies)))
    ComplaintDashboard(routes: ComplaintRoutes(desk: feedback))
        .add(to: pages.group().add(middleware: CookieAuthMiddleware(dependencies: dependencies)))
    let protected = router.group().add(middleware: BearerAuthMiddleware(store: dependencies.store, failures: failures))
    OperationsRoutes(dependencies: dependencies).addProtected(to: protected)
    SiteRoutes(dependencies: dependencies).add(to: protected)
    AlarmRoutes(dependencies: dependencies).add(to: protected)
    EvidenceRoutes(dependencies: dependencies).add(to: protected)
    VoiceRoutes(dependencies: dependencies).add(to: protected)
    BatchRoutes(dependencies: dependencies).add(to: protected)
    ReceiptRoutes(dependencies: dependencies).add(to: protected)
    RegionRoutes(dependencies: dependencies).add(to: protected)
    ReportRoutes(dependencies: dependencies).add(to: protected)
    LedgerRoutes(dependencies: dependencies).add(to: protected)
    GradeRoutes(dependencies: dependencies).add(to: protected)
    MarketRoutes(dependencies: dependencies).add(to: protected)
    SampleRoutes(dependencies: dependencies).add(to: protected)
    LedgerCheckRoutes(dependencies: dependencies).add(to: protected)
    ComplaintRoutes(desk: feedback).add(to: protected)
    routes.load(from: router)
    return router
}

/// The HTTP application with the gateway's services in the same service group, so one
/// SIGTERM/SIGINT shuts everything down in order. Scanned codes whose answer is cached are
/// served by `LookupFastPath` before the router (see there); everything else by the router.
/// Every connection is watched by `ConnectionGuard` (idle and slow-head deadlines, a cap per
/// client address). With `tls`, HTTPS only (HTTP/1.1 over TLS); the files are read and checked
/// here, so a bad certificate stops the start instead of failing every connection later.
public func buildApplication(_ dependencies: APIDependencies, host: String, port: Int, tls: TLSFiles? = nil,
                             services: [any Service], logger: Logger) throws -> some ApplicationProtocol {
    try buildApplication(dependencies, lookup: PublicLookup(dependencies), host: host, port: port, tls: tls,
                         services: services, logger: logger)
}

func buildApplication(_ dependencies: APIDependencies, lookup: PublicLookup, host: String, port: Int,
                      tls: TLSFiles? = nil, limits: ConnectionLimits = .standard, services: [any Service],
                      logger: Logger) throws -> some ApplicationProtocol {
    var dependencies = dependencies
    dependencies.servesHTTPS = tls != nil
    let serverName = "BrightKitchen"
    let counter = ConnectionCounter(limits: limits, exempt: dependencies.trustedProxies)
    let servesHTTPS = dependencies.servesHTTPS
    let heads = FastPageHeads(serverName: serverName, servesHTTPS: servesHTTPS)
    let http1 = HTTPServerBuilder.http1(configuration: .init(
        additionalChannelHandlers: connectionHandlers(counter: counter, lookup: lookup, heads: heads)))
    var server = http1
    if let tls { server = try .tls(http1, tlsConfiguration: try HTTPSConfiguration.load(tls)) }
    return Application(router: buildRouter(dependencies, lookup: lookup), server: server,
                       configuration: .init(address: .hostname(host, port: port), serverName: serverName),
                       services: services, logger: logger)
}

/// Each connection's own handlers after HTTP's codec: its guard, and the fast path that tells it of
/// the answers it sends before the codec.
private func connectionHandlers(counter: ConnectionCounter, lookup: PublicLookup,
                                heads: FastPageHeads) -> [any RemovableChannelHandler] {
    let connectionGuard = ConnectionGuard(counter: counter)
    return [connectionGuard, LookupFastPath(lookup: lookup, heads: heads, connectionGuard: connectionGuard)]
}
