import Hummingbird

/// Throttles a group of public routes per client address: past the limit, 429 with
/// `Retry-After`, as JSON under `/api/` and as a short page elsewhere (people read those).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let limiter: ClientRateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // The peer's address, never X-Forwarded-For: a client could write any value there.
        let client = context.remoteAddress?.ipAddress ?? "unknown"
        guard case .limited(let seconds) = limiter.take(client: client) else {
            return try await next(request, context)
        }
        return Self.tooManyRequests(request, message: "too many requests from \(client); retry in \(seconds) s",
                                    retryAfter: seconds)
    }

    /// The 429 every limit answers with.
    static func tooManyRequests(_ request: Request, message: String, retryAfter seconds: Int) -> Response {
        var headers: HTTPFields = [.retryAfter: "\(seconds)", .cacheControl: "no-store"]
        if request.uri.path.hasPrefix("/api/") || request.uri.path == "/metrics" {
            headers[.contentType] = "application/json; charset=utf-8"
            let body = #"{"error":"rate_limited","message":"\#(message)","retry_after_s":\#(seconds)}"#
            return Response(status: .tooManyRequests, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        headers[.contentType] = "text/html; charset=utf-8"
        let page = """
            <!doctype html><html><head><meta charset="utf-8"><title>429</title></head><body>\
            <h1>请稍后再试 · Too many requests</h1><p>\(HTML.escape(message))</p></body></html>
            """
        return Response(status: .tooManyRequests, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
