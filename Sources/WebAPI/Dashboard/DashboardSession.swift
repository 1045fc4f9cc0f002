import Crypto
import Foundation
import Hummingbird
import KitchenModel
import Storage

/// The dashboard's login: the API token itself, kept in an HttpOnly, SameSite=Strict cookie and
/// checked against the token store on every request (so revoking the token ends the session),
/// plus a CSRF token derived from it for the forms that change something.
enum DashboardSession {
    static let cookieName = "bk_session"
    /// A week; the token's revocation ends it sooner.
    static let maxAgeSeconds = 7 * 86_400

    /// `Set-Cookie` for a fresh login. No `Secure`: the gateway serves plain HTTP on the site
    /// network; behind a TLS proxy, the proxy adds it (docs/web.md).
    static func cookie(for token: String) -> String {
        "\(cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAgeSeconds)"
    }

    static let clearingCookie = "\(cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"

    /// The session token from the `Cookie` header(s), if one is there and looks like a token.
    static func token(from request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                return cookieSafe(value) ? value : nil
            }
        }
        return nil
    }

    /// The value each form carries: a keyed hash of the session token. A page on another origin
    /// can neither read it nor compute it, so a forged post fails even where SameSite does not
    /// hold (old browsers). Origin/Referer checks are not used: the gateway sends
    /// `Referrer-Policy: no-referrer`, under which browsers send `Origin: null` on form posts.
    static func csrfToken(for token: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: SymmetricKey(data: Data("bk-dashboard-csrf".utf8)))
        return mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares in constant time for equal lengths: the expected value never leaks by timing.
    static func csrfMatches(_ sent: String?, token: String) -> Bool {
        let expected = Array(csrfToken(for: token).utf8)
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

    /// Tokens are `bk_` and base64url: nothing a cookie would need quoting for.
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
    let store: Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let principal: Principal?
        do {
            principal = try DashboardSession.token(from: request).flatMap(store.authenticate(token:))
        } catch {
            context.logger.error("token lookup failed", metadata: ["error": "\(error)"])
            throw APIError(.serviceUnavailable, "unavailable", "the token store cannot be read right now")
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
