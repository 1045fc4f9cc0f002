import Foundation
import Hummingbird
import KitchenModel

/// `GET /login` (the form), `POST /login` (token → session cookie → back to `next`) and
/// `POST /logout`. The token is checked with the same store lookup as the API's bearer tokens.
///
/// Both posts are protected against cross-site forgery. Login: a hostile page could otherwise
/// sign a visitor in with the attacker's own token, and whatever the visitor then records
/// (names, corrective actions) would go into the attacker's session. So `GET /login` sets a
/// random, short-lived `bk_login` cookie (SameSite=Strict, only sent to `/login`) and puts the
/// same value in the form; a post whose field and cookie differ is refused. Logout needs the
/// session's CSRF token like every other dashboard form.
struct LoginRoutes {
    let dependencies: APIDependencies

    struct LoginForm: Decodable {
        var token: String?
        var next: String?
        var login: String?
    }

    struct LogoutForm: Decodable {
        var csrf: String?
    }

    func add(to router: some RouterMethods<GatewayRequestContext>) {
        router.get("/login") { request, _ in
            Self.form(next: DashboardSession.localPath(request.uri.queryParameters.get("next")), failure: nil,
                      kit: PageKit(request))
        }
        router.post("/login") { request, context in
            let kit = PageKit(request)
            let form = try await DashboardForm.decode(LoginForm.self, from: request, context: context)
            let next = DashboardSession.localPath(form.next)
            guard LoginNonce.matches(form.login, cookie: LoginNonce.value(from: request)) else {
                // Expired (or never set: a post from elsewhere). A fresh form lets a person retry.
                return Self.form(next: next, failure: .expired, kit: kit, status: .forbidden)
            }
            let token = (form.token ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            // Only a token that can live in a cookie is looked up (tokens are `bk_` + base64url).
            let principal: Principal?
            do {
                principal = try DashboardSession.cookieSafe(token) ? dependencies.store.authenticate(token: token) : nil
            } catch {
                context.logger.error("token lookup failed", metadata: ["error": "\(error)"])
                throw APIError(.serviceUnavailable, "unavailable", "the token store cannot be read right now")
            }
            guard principal != nil else {
                return Self.form(next: next, failure: .unknownToken, kit: kit, status: .unauthorized)
            }
            return PageResponse.redirect(next ?? "/dashboard", cookie: DashboardSession.cookie(for: token))
        }
        router.post("/logout") { request, context in
            let form = try await DashboardForm.decode(LogoutForm.self, from: request, context: context)
            // Without a session there is nothing to end (and nothing a forged post could do).
            if let session = DashboardSession.token(from: request), !DashboardSession.csrfMatches(form.csrf, token: session) {
                throw APIError.forbidden("this form is not from this session's page; reload the page and try again")
            }
            return PageResponse.redirect("/login", cookie: DashboardSession.clearingCookie)
        }
    }

    enum Failure {
        case unknownToken, expired
    }

    /// The login form with a fresh nonce in its field and in the `bk_login` cookie.
    static func form(next: String?, failure: Failure?, kit: PageKit, status: HTTPResponse.Status = .ok) -> Response {
        let nonce = LoginNonce.fresh()
        return PageResponse.html(page(next: next, failure: failure, nonce: nonce, kit: kit), status: status,
                                 cookie: LoginNonce.cookie(nonce))
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

/// Form posts of the dashboard: `application/x-www-form-urlencoded`, small.
enum DashboardForm {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: GatewayRequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: 16 * 1024)
        do {
            return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: buffer))
        } catch {
            throw APIError.badRequest("the form could not be read")
        }
    }
}
