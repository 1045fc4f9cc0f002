import Foundation
import HTTPTypes
import Hummingbird

/// Responses of the dashboard's pages: HTML with a policy that allows the shared inline
/// stylesheet and the one same-origin script, redirects, and errors as pages.
enum PageResponse {
    static let policy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; script-src 'self'; "
        + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    /// Sent by the live refresh script: answer with the `<main>` content only.
    static let fragmentHeader = HTTPField.Name("X-BK-Fragment")!
    /// A fingerprint of the `<main>` content, so the script swaps it only when it changed.
    static let stampHeader = HTTPField.Name("X-BK-Stamp")!

    static func html(_ text: String, status: HTTPResponse.Status = .ok, cookie: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = CachePolicy.authenticated
        headers[.contentSecurityPolicy] = policy
        headers[.vary] = "Cookie, Accept-Language"
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// 303: after a form post the browser asks the target with GET.
    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = CachePolicy.authenticated
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")

    /// Percent-encodes a query value (everything but unreserved characters and `/`).
    static func queryEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}

/// Errors on the dashboard's routes become pages (same status, a message a person can read),
/// not the API's JSON.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return Self.page(error, request: request)
        } catch let error as HTTPError {
            return Self.page(APIError(error), request: request)
        } catch {
            // Anything else (a database error, a bug) is logged with its detail and shown as a
            // plain 500 page: the detail may name tables or paths a visitor need not see.
            context.logger.error("page failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return Self.page(APIError(.internalServerError, "internal", Self.internalMessage), request: request)
        }
    }

    static let internalMessage = "Something went wrong on the gateway; it has been logged. 网关内部错误，已记录。"

    static func page(_ error: APIError, request: Request) -> Response {
        let kit = PageKit(request)
        let heading = switch error.status {
        case .unauthorized: kit.t("请先登录", "Please log in")
        case .forbidden: kit.t("无权查看", "Not allowed")
        case .notFound: kit.t("未找到", "Not found")
        case .conflict: kit.t("无法执行该操作", "This step is not possible now")
        case .serviceUnavailable: kit.t("服务暂不可用", "Service unavailable")
        case .internalServerError: kit.t("内部错误", "Internal error")
        default: kit.t("请求有误", "Bad request")
        }
        var body = "<h1>\(heading)</h1><section class=\"card\"><p>\(HTML.escape(error.message))</p>"
        body += "<p><a href=\"/dashboard\">\(kit.t("返回总览", "Back to the overview"))</a>"
        if error.status == .unauthorized || error.status == .forbidden {
            body += " · <a href=\"/login\">\(kit.t("换个令牌登录", "Log in with another token"))</a>"
        }
        body += "</p></section>"
        return PageResponse.html(kit.document(title: heading, crumbs: [], body: body, signedIn: false), status: error.status)
    }
}

/// The router's own "no such route" under `/dashboard/`: a person who followed a stale or
/// mistyped link gets the dashboard's 404 page, not the API's JSON. Sits outside
/// `MethodNotAllowedMiddleware`, so a known page asked with the wrong method stays a 405.
struct PageNotFoundMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && request.uri.path.hasPrefix("/dashboard/") {
            return PageErrorMiddleware.page(APIError.notFound("no dashboard page at '\(request.uri.path.prefix(128))'"),
                                            request: request)
        }
    }
}
