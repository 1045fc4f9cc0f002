import Hummingbird
import KitchenModel
import Logging
import Storage

/// Resolves `Authorization: Bearer <token>` to a principal; anything else is a 401.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let store: Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("send 'Authorization: Bearer <token>'; create one with 'brightkitchen tokens create'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("the Authorization header must use the Bearer scheme")
        }
        let principal: Principal?
        do {
            principal = try store.authenticate(token: String(parts[1]))
        } catch {
            context.logger.error("token lookup failed", metadata: ["error": "\(error)"])
            throw APIError(.serviceUnavailable, "unavailable", "the token store cannot be read right now")
        }
        guard let principal else { throw APIError.unauthorized("unknown or revoked token") }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
