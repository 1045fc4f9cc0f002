import Hummingbird

/// `GET /openapi.json`: the hand-written description in `docs/openapi.json`, compiled into the
/// binary (`embedInCode` through the `openapi.json` link next to this file), so a deployed
/// gateway serves it without resource bundles and tests see exactly the file in `docs/`.
struct OpenAPIRoutes {
    static let document = ByteBuffer(bytes: PackageResources.openapi_json)

    func add(to router: Router<GatewayRequestContext>) {
        router.get("/openapi.json") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: Self.document))
        }
    }
}
