import Hummingbird
import KitchenModel

/// `/healthz` (open, for load balancers and systemd) and `/metrics` (Prometheus, admin token).
struct OperationsRoutes {
    let dependencies: APIDependencies

    func addOpen(to router: Router<GatewayRequestContext>) {
        router.get("/healthz") { _, _ in
            let report = dependencies.health()
            return JSONBody.response(report, status: report.isHealthy ? .ok : .serviceUnavailable)
        }
    }

    func addProtected(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/metrics") { _, context in
            guard context.principal?.role == .admin else {
                throw APIError.forbidden("metrics need an admin token")
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            headers[.cacheControl] = CachePolicy.authenticated
            return Response(status: .ok, headers: headers,
                            body: .init(byteBuffer: ByteBuffer(bytes: dependencies.metrics.exposition())))
        }
    }
}
