import Gateway
import Hummingbird
import HummingbirdTLS
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
/// With `tls`, HTTPS only (HTTP/1.1 over TLS); the files are read and checked here, so a bad
/// certificate stops the start instead of failing every connection later.
public func buildApplication(_ dependencies: APIDependencies, host: String, port: Int, tls: TLSFiles? = nil,
                             services: [any Service], logger: Logger) throws -> some ApplicationProtocol {
    let router = buildRouter(dependencies)
    let configuration = ApplicationConfiguration(address: .hostname(host, port: port), serverName: "BrightKitchen")
    if let tls {
        return Application(router: router, server: try .tls(tlsConfiguration: try HTTPSConfiguration.load(tls)),
                           configuration: configuration, services: services, logger: logger)
    }
    return Application(router: router, configuration: configuration, services: services, logger: logger)
}
