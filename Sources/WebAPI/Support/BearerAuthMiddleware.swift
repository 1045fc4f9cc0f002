import Hummingbird
import KitchenModel
import KitchenRules
import Logging
import StorageModel

/// Resolves `Authorization: Bearer <token>` to a principal; anything else is a 401. Unknown
/// tokens count against the client's failed-auth limit (`AuthFailureLimit`), which answers 429
/// once exhausted. A dashboard session id is not a token and never authenticates here.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let store: any TokenStore & DashboardSessionStore
    let failures: AuthFailureLimit

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("send 'Authorization: Bearer <token>'; create one with 'brightkitchen tokens create'")
        }
        let client = failures.client(request, context)
        if let refusal = failures.refusal(request, client: client) { return refusal }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError.unauthorized("the Authorization header must use the Bearer scheme")
        }
        let principal: Principal?
        do {
            principal = try store.authenticateBearer(String(parts[1]))
        } catch {
            context.logger.error("token lookup failed", metadata: ["error": "\(error)"])
            throw APIError(.serviceUnavailable, "unavailable", "the token store cannot be read right now")
        }
        guard let principal else {
            failures.failed(client: client)
            throw APIError.unauthorized("unknown or revoked token")
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}

extension TokenStore {
    /// `authenticate(token:)` for strings `TokenPolicy` could have minted; anything else is nil
    /// without a lookup.
    public func authenticateBearer(_ token: String) throws -> Principal? {
        TokenPolicy.isWellFormed(token) ? try authenticate(token: token) : nil
    }
}
