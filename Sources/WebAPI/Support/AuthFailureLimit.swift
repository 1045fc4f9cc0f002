import Hummingbird

/// Failed authentication per client address, shared by the login form and the API's bearer
/// tokens: each unknown token takes one from the address's bucket (`RateLimit.failedAuth`:
/// ten, then ten a minute); with the bucket empty every attempt from that address is a 429 with
/// `Retry-After` before any token is looked at, so guessing costs time and a right guess is not
/// told apart from a wrong one. Behind a trusted proxy the client is the proxy's
/// `X-Forwarded-For` (else one guesser would lock out everyone behind the proxy).
final class AuthFailureLimit: Sendable {
    private let limiter: ClientRateLimiter?
    private let proxies: TrustedProxies

    init(limit: RateLimit?, proxies: TrustedProxies) {
        limiter = limit.map { ClientRateLimiter(limit: $0) }
        self.proxies = proxies
    }

    func client(_ request: Request, _ context: GatewayRequestContext) -> String {
        proxies.client(request, peer: context.remoteAddress)
    }

    /// The 429 for a client past its failures, or nil.
    func refusal(_ request: Request, client: String) -> Response? {
        guard case .limited(let seconds)? = limiter?.check(client: client) else { return nil }
        return RateLimitMiddleware.tooManyRequests(
            request, message: "too many failed logins from \(client); retry in \(seconds) s", retryAfter: seconds)
    }

    func failed(client: String) {
        _ = limiter?.take(client: client)
    }
}
