/// A camera's HTTP request as the web layer hands it over: everything digest authentication and
/// the body readers need, nothing of the HTTP library.
public struct CameraPushRequest: Sendable {
    public var method: String
    /// Path and query exactly as requested: digest's `uri` must equal it.
    public var uri: String
    public var authorization: String?
    public var contentType: String
    public var body: [UInt8]
    /// GA/T 1400's `User-Identify` header (the DeviceID of a registered device).
    public var userIdentify: String?
    /// The peer's address without port, for GA/T 1400 sessions and logs; nil when unknown.
    public var client: String?

    public init(method: String, uri: String, authorization: String?, contentType: String, body: [UInt8],
                userIdentify: String? = nil, client: String? = nil) {
        self.method = method
        self.uri = uri
        self.authorization = authorization
        self.contentType = contentType
        self.body = body
        self.userIdentify = userIdentify
        self.client = client
    }
}

public struct CameraPushResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    /// `WWW-Authenticate` on a 401.
    public var challenge: String?

    public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: [UInt8], challenge: String? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.challenge = challenge
    }
}

/// What GA/T 1400 (视图库) asks of the platform.
public enum GAT1400Operation: String, Sendable, CaseIterable {
    case register, keepalive, unregister, notifications
}

/// Cameras that call the gateway over HTTP (docs/third-party-devices.md, "Cameras pushing over
/// HTTP"): Hikvision ISAPI event pushes and GA/T 1400 devices. `Gateway`'s `CameraPushIntake`
/// conforms; it authenticates, parses, and feeds the ingest path (alarms, evidence).
public protocol CameraPushPort: Sendable {
    /// Bodies above this are refused before they are read whole (413).
    var maxBodyBytes: Int { get }
    /// One `EventNotificationAlert` POSTed to `/isapi/{camera}` (digest) or
    /// `/isapi/{camera}/{secret}` (cameras set to `httpAuthenticationMethod` none).
    func isapiEvent(camera: String, pathSecret: String?, _ request: CameraPushRequest) -> CameraPushResponse
    func gat1400(_ operation: GAT1400Operation, _ request: CameraPushRequest) -> CameraPushResponse
    /// A body refused for its size before it was read, counted like the other refusals.
    func refusedOversized(protocol name: String, bytes: Int?) -> CameraPushResponse
}
