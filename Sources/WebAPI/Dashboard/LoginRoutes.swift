import Foundation
import Hummingbird
import KitchenModel

/// `GET /login` (the form), `POST /login` (token → session cookie → back to `next`) and
/// `POST /logout`. The token is checked with the same store lookup as the API's bearer tokens.
struct LoginRoutes {
    let dependencies: APIDependencies

    struct LoginForm: Decodable {
        var token: String?
        var next: String?
    }

    func add(to router: some RouterMethods<GatewayRequestContext>) {
        router.get("/login") { request, _ in
            let kit = PageKit(language: PageLanguage.of(request), explicitLanguage: request.uri.queryParameters.get("lang") != nil)
            return PageResponse.html(Self.page(next: DashboardSession.localPath(request.uri.queryParameters.get("next")),
                                               failed: false, kit: kit))
        }
        router.post("/login") { request, context in
            let kit = PageKit(language: PageLanguage.of(request), explicitLanguage: request.uri.queryParameters.get("lang") != nil)
            let form = try await DashboardForm.decode(LoginForm.self, from: request, context: context)
            let next = DashboardSession.localPath(form.next)
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
                return PageResponse.html(Self.page(next: next, failed: true, kit: kit), status: .unauthorized)
            }
            return PageResponse.redirect(next ?? "/dashboard", cookie: DashboardSession.cookie(for: token))
        }
        router.post("/logout") { _, _ in
            PageResponse.redirect("/login", cookie: DashboardSession.clearingCookie)
        }
    }

    static func page(next: String?, failed: Bool, kit: PageKit) -> String {
        var body = "<h1>\(kit.t("登录监管看板", "Log in to the dashboard"))</h1><section class=\"card\">"
        if failed {
            body += "<p class=\"fail\" role=\"alert\">\(kit.t("令牌无效或已撤销。", "Unknown or revoked token."))</p>"
        }
        body += "<form class=\"action\" method=\"post\" action=\"\(HTML.escape(kit.link("/login")))\">"
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
