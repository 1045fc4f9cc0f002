import GatewayPorts
import Hummingbird
import NIOCore

/// Routes cameras call (docs/third-party-devices.md, "Cameras pushing over HTTP"): a Hikvision
/// `httpHosts` target and GA/T 1400's platform endpoints. They sit outside the bearer-token
/// API: each camera authenticates with its registry credentials (HTTP Digest), checked by the
/// gateway's `CameraPushPort`.
struct CameraPushRoutes {
    let port: (any CameraPushPort)?

    func add(to router: Router<GatewayRequestContext>) {
        router.post("/isapi/{camera}") { request, context in
            try await isapi(request, context, secret: nil)
        }
        router.post("/isapi/{camera}/{secret}") { request, context in
            try await isapi(request, context, secret: context.parameters.require("secret"))
        }
        let operations: [(String, GAT1400Operation)] = [
            ("/VIID/System/Register", .register), ("/VIID/System/Keepalive", .keepalive),
            ("/VIID/System/UnRegister", .unregister), ("/VIID/SubscribeNotifications", .notifications),
        ]
        for (path, operation) in operations {
            router.post(RouterPath(path)) { request, context in
                try await handle(request, context, protocolName: "gat1400") { port, push in port.gat1400(operation, push) }
            }
        }
    }

    private func isapi(_ request: Request, _ context: GatewayRequestContext, secret: String?) async throws -> Response {
        let camera = try context.parameters.require("camera")
        return try await handle(request, context, protocolName: "isapi") { port, push in
            port.isapiEvent(camera: camera, pathSecret: secret, push)
        }
    }

    private func handle(_ request: Request, _ context: GatewayRequestContext, protocolName: String,
                        _ call: (any CameraPushPort, CameraPushRequest) -> CameraPushResponse) async throws -> Response {
        guard let port else { return Self.response(CameraPushResponse(status: 503, body: Array("camera intake is not running".utf8))) }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > port.maxBodyBytes {
            return Self.response(port.refusedOversized(protocol: protocolName, bytes: declared))
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: port.maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return Self.response(port.refusedOversized(protocol: protocolName, bytes: nil))
        }
        let client: String? = context.remoteAddress?.ipAddress
        let push = CameraPushRequest(method: request.method.rawValue, uri: request.uri.description,
                                     authorization: request.headers[.authorization],
                                     contentType: request.headers[.contentType] ?? "",
                                     body: Array(body.readableBytesView),
                                     userIdentify: request.headers[HTTPFields.Element.Name("User-Identify")!], client: client)
        return Self.response(call(port, push))
    }

    static func response(_ answer: CameraPushResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        headers[.cacheControl] = "no-store"
        if let challenge = answer.challenge { headers[.wwwAuthenticate] = challenge }
        return Response(status: HTTPResponse.Status(code: answer.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
