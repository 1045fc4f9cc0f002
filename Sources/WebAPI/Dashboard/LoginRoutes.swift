import Foundation
import Hummingbird
import KitchenModel
import NIOCore
import StorageModel

/// `GET /login` (the form), `POST /login` (token → server-side session → cookie → back to
/// `next`) and `POST /logout` (ends the session). The token is checked with the same store
/// lookup as the API's bearer tokens, and a wrong one counts against the client's failed-auth
/// limit shared with the API (`AuthFailureLimit`).
///
/// Both posts are protected against cross-site forgery. Login: a hostile page could otherwise
/// sign a visitor in with the attacker's own token, and whatever the visitor then records
/// (names, corrective actions) would go into the attacker's session. So `GET /login` sets a
/// signed, short-lived `bk_login` cookie (SameSite=Strict, only sent to `/login`) and puts the
/// same value in the form; a post whose field and cookie differ, or whose value this process did
/// not sign, is refused. Logout needs the session's CSRF token like every other dashboard form.
struct LoginRoutes {
    let dependencies: APIDependencies
    let failures: AuthFailureLimit

    struct LoginForm: Decodable {
        var token: String?
        var next: String?
        var login: String?
    }

    struct LogoutForm: Decodable {
        var csrf: String?
    }

    func add(to router: some RouterMethods<GatewayRequestContext>) {
        router.get("/login") { request, context in
            Self.form(next: DashboardSession.localPath(request.uri.queryParameters.get("next")), failure: nil,
                      kit: PageKit(request), now: dependencies.clock.now(), secure: isHTTPS(request, context))
        }
        router.post("/login") { request, context in
            let kit = PageKit(request)
            let now = dependencies.clock.now()
            let secure = isHTTPS(request, context)
            let client = failures.client(request, context)
            if let refusal = failures.refusal(request, client: client) { return refusal }
            let form = try await DashboardForm.decode(LoginForm.self, from: request, context: context)
            let next = DashboardSession.localPath(form.next)
            guard LoginNonce.matches(form.login, cookie: LoginNonce.value(from: request), now: now) else {
                // Expired (or never set: a post from elsewhere). A fresh form lets a person retry.
                return Self.form(next: next, failure: .expired, kit: kit, now: now, secure: secure, status: .forbidden)
            }
            let token = (form.token ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let session: String?
            do {
                // Only a token that could be typed is looked up (tokens are `bk_` + base64url).
                if DashboardSession.cookieSafe(token), let principal = try dependencies.store.authenticate(token: token),
                   let tokenID = principal.tokenID {
                    session = try dependencies.store.openDashboardSession(tokenID: tokenID, lifetime: dependencies.sessionLifetime,
                                                                          now: now)
                } else {
                    session = nil
                }
            } catch {
                context.logger.error("token lookup failed", metadata: ["error": "\(error)"])
                throw APIError(.serviceUnavailable, "unavailable", "the token store cannot be read right now")
            }
            guard let session else {
                failures.failed(client: client)
                return Self.form(next: next, failure: .unknownToken, kit: kit, now: now, secure: secure, status: .unauthorized)
            }
            var response = PageResponse.redirect(next ?? "/dashboard")
            response.setCookie(DashboardSession.cookie(for: session, lifetime: dependencies.sessionLifetime, secure: secure))
            return response
        }
        router.post("/logout") { request, context in
            let form = try await DashboardForm.decode(LogoutForm.self, from: request, context: context)
            // Without a session there is nothing to end (and nothing a forged post could do).
            if let session = DashboardSession.id(from: request) {
                guard DashboardSession.csrfMatches(form.csrf, session: session) else {
                    throw APIError.forbidden("this form is not from this session's page; reload the page and try again")
                }
                do {
                    try dependencies.store.endDashboardSession(session)
                } catch {
                    context.logger.error("session end failed", metadata: ["error": "\(error)"])
                    throw APIError(.serviceUnavailable, "unavailable", "the session store cannot be written right now")
                }
            }
            var response = PageResponse.redirect("/login")
            response.setCookie(DashboardSession.clearingCookie(secure: isHTTPS(request, context)))
            return response
        }
    }

    private func isHTTPS(_ request: Request, _ context: GatewayRequestContext) -> Bool {
        dependencies.trustedProxies.isHTTPS(request, peer: context.remoteAddress, servesHTTPS: dependencies.servesHTTPS)
    }

    enum Failure {
        case unknownToken, expired
    }

    /// The login form with a fresh nonce in its field and in the `bk_login` cookie.
    static func form(next: String?, failure: Failure?, kit: PageKit, now: EpochMillis, secure: Bool,
                     status: HTTPResponse.Status = .ok) -> Response {
        let nonce = LoginNonce.fresh(now: now)
        var response = PageResponse.html(page(next: next, failure: failure, nonce: nonce, kit: kit), status: status)
        response.setCookie(LoginNonce.cookie(nonce, secure: secure))
        return response
    }

    static func page(next: String?, failure: Failure?, nonce: String, kit: PageKit) -> String {
        var body = "<h1>\(kit.t("登录监管看板", "Log in to the dashboard"))</h1><section class=\"card\">"
        switch failure {
        case .unknownToken?:
            body += "<p class=\"fail\" role=\"alert\">\(kit.t("令牌无效或已撤销。", "Unknown or revoked token."))</p>"
        case .expired?:
            body += "<p class=\"fail\" role=\"alert\">\(kit.t("登录表单已过期，请重新输入令牌。", "The login form expired; enter the token again."))</p>"
        case nil:
            break
        }
        body += "<form class=\"action\" method=\"post\" action=\"\(HTML.escape(kit.link("/login")))\">"
        body += "<input type=\"hidden\" name=\"login\" value=\"\(nonce)\">"
        if let next { body += "<input type=\"hidden\" name=\"next\" value=\"\(HTML.escape(next))\">" }
        body += "<input type=\"password\" name=\"token\" required autocomplete=\"current-password\""
        body += " placeholder=\"\(kit.t("访问令牌", "Access token"))\" aria-label=\"\(kit.t("访问令牌", "Access token"))\">"
        body += "<button class=\"primary\" type=\"submit\">\(kit.t("登录", "Log in"))</button></form>"
        body += "<p class=\"muted\">\(kit.t("令牌由管理员用 brightkitchen tokens create 签发。", "An administrator issues tokens with brightkitchen tokens create."))</p>"
        body += "</section>"
        return kit.document(title: kit.t("登录", "Log in"), crumbs: [], body: body, signedIn: false)
    }
}

/// Form posts of the dashboard: `application/x-www-form-urlencoded`, small. Too large is a 413
/// and unreadable a 400, both plain client errors (no error log: a client can send any bytes).
enum DashboardForm {
    static let maxBytes = 16 * 1024

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: GatewayRequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "too_large", "a form post is at most \(maxBytes / 1024) KB")
        }
        do {
            return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: buffer))
        } catch {
            throw APIError.badRequest("the form could not be read")
        }
    }
}
