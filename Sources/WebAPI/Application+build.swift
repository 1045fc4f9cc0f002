import Gateway
import Hummingbird
import Logging
import ServiceLifecycle

/// The router the gateway serves; tests build exactly this one.
public func buildRouter(_ dependencies: APIDependencies) -> Router<GatewayRequestContext> {
    let router = Router(context: GatewayRequestContext.self)
    let routes = RouteTable()
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorJSONMiddleware())
    router.add(middleware: MethodNotAllowedMiddleware(routes: routes))
    OperationsRoutes(dependencies: dependencies).addOpen(to: router)
    OpenAPIRoutes().add(to: router)
    let lookup = router.group()
    if let limit = dependencies.lookupRateLimit { lookup.add(middleware: RateLimitMiddleware(limit)) }
    LookupRoutes(dependencies: dependencies).add(to: lookup)
    let pages = router.group().add(middleware: PageErrorMiddleware())
    LoginRoutes(dependencies: dependencies).add(to: pages)
    DashboardRoutes(dependencies: dependencies).addOpen(to: pages)
    DashboardRoutes(dependencies: dependencies).add(to: pages.group().add(middleware: CookieAuthMiddleware(store: dependencies.store)))
    let protected = router.group().add(middleware: BearerAuthMiddleware(store: dependencies.store))
    OperationsRoutes(dependencies: dependencies).addProtected(to: protected)
    SiteRoutes(dependencies: dependencies).add(to: protected)
    AlarmRoutes(dependencies: dependencies).add(to: protected)
    EvidenceRoutes(dependencies: dependencies).add(to: protected)
    BatchRoutes(dependencies: dependencies).add(to: protected)
    ReceiptRoutes(dependencies: dependencies).add(to: protected)
    RegionRoutes(dependencies: dependencies).add(to: protected)
    ReportRoutes(dependencies: dependencies).add(to: protected)
    routes.load(from: router)
    return router
}

/// The HTTP application with the gateway's services in the same service group, so one
/// SIGTERM/SIGINT shuts everything down in order.
public func buildApplication(_ dependencies: APIDependencies, host: String, port: Int,
                             services: [any Service], logger: Logger) -> some ApplicationProtocol {
    Application(router: buildRouter(dependencies),
                configuration: .init(address: .hostname(host, port: port), serverName: "BrightKitchen"),
                services: services, logger: logger)
}
