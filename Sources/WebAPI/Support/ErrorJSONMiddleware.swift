import Hummingbird

/// Turns Hummingbird's own errors (unknown route, body too large) into the API's JSON
/// error shape, so clients parse one format everywhere.
struct ErrorJSONMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(error)
        }
    }
}
