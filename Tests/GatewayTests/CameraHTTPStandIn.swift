import Crypto
import Foundation
import Synchronization
import TestSupport

/// A Hikvision-like camera's HTTP side, for the requests the gateway makes itself: the snapshot
/// URL (`/ISAPI/Streaming/channels/101/picture`) and ISAPI two-way audio (`open`, `audioData`,
/// `close`), behind HTTP Digest (RFC 7616, `qop=auth`) checked as a camera checks it. It records
/// what the gateway sent so tests can assert on it.
final class CameraHTTPStandIn: Sendable {
    enum Picture: Sendable {
        case jpeg([UInt8])
        /// A camera answering its web UI's HTML instead of a picture.
        case html
        /// Answers 503.
        case unavailable
    }

    struct Received: Sendable {
        var method: String
        var uri: String
        var authorized: Bool
        var contentType: String?
        var body: [UInt8]
    }

    struct State {
        var picture: Picture = .unavailable
        var password: String
        var received: [Received] = []
        /// The two-way audio session the camera has open (nil: none), and what it played.
        var session: String?
        var played: [UInt8] = []
        var sessions = 0
    }

    let username: String
    let realm = "IP Camera(D1234)"
    let nonce = "4e3055314e6a64434e7a59365a4445304f5456685957453d"
    let state: Mutex<State>
    private let server: Mutex<LoopbackHTTPServer?> = Mutex(nil)

    init(username: String, password: String) throws {
        self.username = username
        state = Mutex(State(password: password))
        let server = try LoopbackHTTPServer { [weak self] request in
            self?.handle(request) ?? LoopbackHTTPServer.Response(status: 503)
        }
        self.server.withLock { $0 = server }
    }

    var baseURL: String { server.withLock { $0!.baseURL } }
    var received: [Received] { state.withLock { $0.received } }

    func stop() { server.withLock { $0?.stop() } }

    private func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        let password = state.withLock { $0.password }
        let authorized = verify(request, password: password)
        state.withLock {
            $0.received.append(Received(method: request.method, uri: request.uri, authorized: authorized,
                                        contentType: request.headers["content-type"], body: request.body))
        }
        guard authorized else {
            return LoopbackHTTPServer.Response(status: 401, headers: [
                ("WWW-Authenticate", "Digest qop=\"auth\", realm=\"\(realm)\", nonce=\"\(nonce)\", stale=\"FALSE\""),
            ])
        }
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        switch (request.method, path) {
        case ("GET", "/ISAPI/Streaming/channels/101/picture"):
            switch state.withLock({ $0.picture }) {
            case .jpeg(let bytes): return .init(status: 200, headers: [("Content-Type", "image/jpeg")], body: bytes)
            case .html: return .init(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html>login</html>".utf8))
            case .unavailable: return .init(status: 503)
            }
        case ("PUT", "/ISAPI/System/TwoWayAudio/channels/1/open"):
            return state.withLock { s in
                // One session at a time, as the cameras do.
                guard s.session == nil else { return Self.status(request.uri, code: 4, "Device Busy", sub: "deviceBusy", http: 403) }
                s.sessions += 1
                s.session = "\(2093716360 + s.sessions)"
                let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TwoWayAudioSession version=\"2.0\" "
                    + "xmlns=\"http://www.isapi.com/ver20/XMLSchema\">\n<sessionId>\(s.session!)</sessionId>\n</TwoWayAudioSession>"
                return .init(status: 200, headers: [("Content-Type", "application/xml")], body: Array(xml.utf8))
            }
        case ("PUT", "/ISAPI/System/TwoWayAudio/channels/1/audioData"):
            return state.withLock { s in
                let asked = request.uri.components(separatedBy: "sessionId=").dropFirst().first
                guard let session = s.session, asked == session else {
                    return Self.status(request.uri, code: 4, "Invalid Operation", sub: "invalidOperation", http: 403)
                }
                s.played += request.body
                return Self.status(request.uri, code: 1, "OK", sub: "ok", http: 200)
            }
        case ("PUT", "/ISAPI/System/TwoWayAudio/channels/1/close"):
            state.withLock { $0.session = nil }
            return Self.status(request.uri, code: 1, "OK", sub: "ok", http: 200)
        default:
            return .init(status: 404)
        }
    }

    static func status(_ uri: String, code: Int, _ text: String, sub: String, http: Int) -> LoopbackHTTPServer.Response {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ResponseStatus version=\"2.0\" xmlns=\"http://www.isapi.com/ver20/XMLSchema\">\n"
            + "<requestURL>\(uri)</requestURL>\n<statusCode>\(code)</statusCode>\n<statusString>\(text)</statusString>\n"
            + "<subStatusCode>\(sub)</subStatusCode>\n</ResponseStatus>"
        return .init(status: http, headers: [("Content-Type", "application/xml")], body: Array(xml.utf8))
    }

    /// RFC 7616 with MD5 and `qop=auth`, as the camera computes it.
    private func verify(_ request: LoopbackHTTPServer.Request, password: String) -> Bool {
        guard let header = request.headers["authorization"], header.hasPrefix("Digest ") else { return false }
        let f = CameraPushLoopTests.CameraStandIn.parse(header)
        guard f["username"] == username, f["realm"] == realm, f["nonce"] == nonce, f["uri"] == request.uri,
              f["qop"] == "auth", let nc = f["nc"], let cnonce = f["cnonce"] else { return false }
        let ha1 = Self.md5("\(username):\(realm):\(password)")
        let ha2 = Self.md5("\(request.method):\(request.uri)")
        return f["response"] == Self.md5("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
    }

    static func md5(_ text: String) -> String {
        Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
