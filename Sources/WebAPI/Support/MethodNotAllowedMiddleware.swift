import Hummingbird
import Synchronization

/// The routes the router ended up with, filled once `buildRouter` has registered them all
/// (middleware is added before the routes, so it cannot read them at construction).
final class RouteTable: Sendable {
    private let patterns = Mutex<[(path: [String], methods: [HTTPRequest.Method])]>([])

    func load<Context: RequestContext>(from router: Router<Context>) {
        var byPath: [String: [HTTPRequest.Method]] = [:]
        for route in router.routes { byPath[route.path.description, default: []].append(route.method) }
        let loaded = byPath.map { (path: $0.key.split(separator: "/").map(String.init), methods: $0.value) }
        patterns.withLock { $0 = loaded }
    }

    /// The methods of the route whose pattern matches `path`, empty if none does.
    func methods(matching path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return patterns.withLock { table in
            table.filter { pattern in
                pattern.path.count == segments.count && zip(pattern.path, segments).allSatisfy { want, got in
                    (want.hasPrefix("{") && want.hasSuffix("}")) || want == got
                }
            }.flatMap(\.methods)
        }
    }
}

/// Hummingbird answers a known path asked with the wrong method with a 404; clients deserve
/// a 405 naming the methods that work.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(matching: request.uri.path)
            guard !allowed.isEmpty else { throw error }
            let names = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw APIError(.methodNotAllowed, "method_not_allowed", "\(request.method.rawValue) is not served here; use \(names)",
                           allow: names)
        }
    }
}
