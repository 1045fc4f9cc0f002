import Crypto
import Foundation
import Hummingbird
import KitchenModel
import StorageModel

/// The dashboard's login: a server-side session, not the API token. Logging in with a token
/// opens a session row (Storage's `dashboard_session`: a hash of a random 256-bit id, bound to
/// the token) and the browser keeps only the id, in an HttpOnly, SameSite=Strict cookie. Logout
/// deletes the row, so the old cookie value is useless; revoking the token ends its sessions;
/// a session also ends after `SessionLifetime.standard` (12 h idle, 7 days at most). The id is
/// never accepted as a bearer token. Forms that change something carry a CSRF token derived
/// from the session id.
enum DashboardSession {
    static let cookieName = "bk_session"

    /// The cookie for a fresh login. `Secure` when the browser reached us over HTTPS: the
    /// gateway's own TLS, or a trusted proxy's `X-Forwarded-Proto: https`.
    static func cookie(for id: String, lifetime: SessionLifetime, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: id, maxAge: Int(lifetime.absoluteMillis / 1000), path: "/", secure: secure,
               httpOnly: true, sameSite: .strict)
    }

    static func clearingCookie(secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// The session id from the request's cookies, if there is one that looks like an id.
    static func id(from request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value.trimmingCharacters(in: .whitespaces),
              cookieSafe(value) else { return nil }
        return value
    }

    /// The value each form carries: a keyed hash of the session id. A page on another origin
    /// can neither read it nor compute it, so a forged post fails even where SameSite does not
    /// hold (old browsers). Origin/Referer checks are not used: the gateway sends
    /// `Referrer-Policy: no-referrer`, under which browsers send `Origin: null` on form posts.
    static func csrfToken(for id: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(id.utf8), using: SymmetricKey(data: Data("bk-dashboard-csrf".utf8)))
        return mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares in constant time for equal lengths: the expected value never leaks by timing.
    static func csrfMatches(_ sent: String?, session id: String) -> Bool {
        let expected = Array(csrfToken(for: id).utf8)
        guard let sent, sent.utf8.count == expected.count else { return false }
        return zip(sent.utf8, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `next` after login, only when it is a path on this server: `/x`, never `//host`,
    /// `/\host`, a scheme, spaces, control or non-ASCII characters (paths arrive percent-encoded).
    static func localPath(_ next: String?) -> String? {
        guard let next, next.utf8.count <= 512, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"),
              next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" })
        else { return nil }
        return next
    }

    /// Tokens and session ids are base64url with a prefix: nothing a cookie would need quoting for.
    static func cookieSafe(_ value: String) -> Bool {
        (1...128).contains(value.utf8.count) && value.utf8.allSatisfy { b in
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x5F || b == 0x2D
        }
    }
}

/// Resolves the session cookie to a principal for the dashboard's pages. Without a valid one,
/// a page request is sent to the login form (coming back afterwards); a post is a 401 page.
struct CookieAuthMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let dependencies: APIDependencies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let principal: Principal?
        do {
            let now = dependencies.clock.now()
            principal = try DashboardSession.id(from: request).flatMap {
                try dependencies.store.dashboardSession($0, lifetime: dependencies.sessionLifetime, now: now)
            }
        } catch {
            context.logger.error("session lookup failed", metadata: ["error": "\(error)"])
            throw APIError(.serviceUnavailable, "unavailable", "the session store cannot be read right now")
        }
        guard let principal else {
            guard request.method == .get || request.method == .head else {
                throw APIError.unauthorized("the session has ended; log in again")
            }
            let back = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return PageResponse.redirect("/login?next=" + PageResponse.queryEscaped(back))
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
