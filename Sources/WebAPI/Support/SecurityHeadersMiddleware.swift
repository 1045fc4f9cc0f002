import HTTPTypes
import Hummingbird

/// Headers every response carries, error responses included: no MIME sniffing, no referrer
/// leaking ticket codes to other sites, no framing (clickjacking). HTML keeps the CSP its route
/// chose, with `frame-ancestors 'none'` added; HTML without one gets a minimal policy that
/// forbids framing, plugins and `<base>` rewriting without constraining the page's own scripts.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    static let minimalPagePolicy = "frame-ancestors 'none'; object-src 'none'; base-uri 'none'"
    /// HSTS, only when the gateway itself serves HTTPS: browsers then refuse plain HTTP to this
    /// host for a year (behind a TLS proxy, the proxy sets it).
    static let strictTransportSecurity = "max-age=31536000"

    var servesHTTPS = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        Self.secure(&response.headers)
        if servesHTTPS { response.headers[.strictTransportSecurity] = Self.strictTransportSecurity }
        return response
    }

    /// Adds the headers to one response's; the lookup fast path applies it to its own.
    static func secure(_ headers: inout HTTPFields) {
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        headers[.xFrameOptions] = "DENY"
        if headers[.contentType]?.hasPrefix("text/html") == true {
            if let policy = headers[.contentSecurityPolicy] {
                if !mentionsFrameAncestors(policy) {
                    headers[.contentSecurityPolicy] = policy + "; frame-ancestors 'none'"
                }
            } else {
                headers[.contentSecurityPolicy] = minimalPagePolicy
            }
        }
    }
}

extension SecurityHeadersMiddleware {
    /// A plain byte scan: Foundation's `contains` and the standard library's generic
    /// `firstRange(of:)` both showed up in the public lookup's profile, once per request.
    static func mentionsFrameAncestors(_ policy: String) -> Bool {
        let needle: StaticString = "frame-ancestors"
        var policy = policy
        return policy.withUTF8 { hay in
            let n = needle.utf8CodeUnitCount
            guard hay.count >= n else { return false }
            let first = needle.utf8Start.pointee
            for i in 0...(hay.count - n) where hay[i] == first {
                var j = 1
                while j < n && hay[i + j] == needle.utf8Start[j] { j += 1 }
                if j == n { return true }
            }
            return false
        }
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
