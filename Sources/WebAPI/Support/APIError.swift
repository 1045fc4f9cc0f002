import Foundation
import Hummingbird

/// Every error leaves as JSON `{"error": code, "message": text}`.
public struct APIError: Error, HTTPResponseError {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// The `Allow` header of a 405.
    let allow: String?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.init(status, code, message, allow: nil)
    }

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, allow: String?) {
        self.status = status
        self.code = code
        self.message = message
        self.allow = allow
    }

    /// Hummingbird's own errors (unknown route, body too large) in the API's terms.
    init(_ error: HTTPError) {
        let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
        self.init(error.status, code, error.body ?? error.status.reasonPhrase)
    }

    public static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, "unauthorized", message) }
    public static func forbidden(_ message: String) -> APIError { APIError(.forbidden, "forbidden", message) }
    public static func notFound(_ message: String) -> APIError { APIError(.notFound, "not_found", message) }
    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad_request", message) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let allow { headers[.allow] = allow }
        headers[.cacheControl] = "no-store"
        let body = JSONBody.encode(["error": code, "message": message])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

enum JSONBody {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? [UInt8](encoder.encode(value))) ?? Array(#"{"error":"internal","message":"encoding failed"}"#.utf8)
    }

    /// A JSON answer; behind a token unless the route says otherwise (`cacheControl`).
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok,
                                       cacheControl: String = CachePolicy.authenticated) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = cacheControl
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }
}
