import AsyncHTTPClient
import Crypto
import Foundation
import KitchenModel
import NIOCore
import Synchronization

/// The gateway's HTTP client towards cameras (snapshot polling, ISAPI two-way audio). Answers
/// a Digest challenge (RFC 7616, MD5, `qop=auth` or the legacy RFC 2069 form older firmware
/// sends) and keeps the camera's nonce, so a camera polled every 10 s costs one round trip, not
/// two; Basic is sent only when the registry says `auth: basic`. Bodies are read up to a limit.
public final class CameraHTTPClient: Sendable {
    public enum Verb: String, Sendable { case GET, PUT }

    public struct Reply: Sendable {
        public var status: Int
        public var contentType: String?
        public var body: [UInt8]
    }

    /// Why a request failed, with a stable code for metrics and the "no frames" detail.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case connect(String)
        case timeout
        case unauthorized
        case tooLarge(Int)
        case authUnsupported(String)

        public var code: String {
            switch self {
            case .connect: "connect_error"
            case .timeout: "timeout"
            case .unauthorized: "http_401"
            case .tooLarge: "too_large"
            case .authUnsupported: "auth_unsupported"
            }
        }

        public var description: String {
            switch self {
            case .connect(let why): "cannot connect: \(why)"
            case .timeout: "no answer in time"
            case .unauthorized: "the camera refused the credentials (401)"
            case .tooLarge(let limit): "the answer is over \(limit) bytes"
            case .authUnsupported(let what): "the camera asks for \(what), which the gateway does not speak"
            }
        }
    }

    private struct Challenge {
        var realm: String
        var nonce: String
        var opaque: String?
        var qop: Bool
        var nc: UInt32 = 0
    }

    private enum ClientState {
        case idle
        case running(HTTPClient)
        case shutDown
    }

    /// Made on first use (a gateway without polled or ISAPI-speaking cameras starts no pool, and a
    /// client never used needs no shutdown); after `shutdown()` requests fail.
    private let state = Mutex<ClientState>(.idle)
    private let connectTimeout: Duration
    /// Digest state per (authority, user): nonce reuse with a rising nc.
    private let challenges = Mutex<[String: Challenge]>([:])
    private static let maxChallenges = 20_000

    public init(connectTimeout: Duration = .seconds(3)) {
        self.connectTimeout = connectTimeout
    }

    private func client() -> HTTPClient? {
        state.withLock { state in
            switch state {
            case .idle:
                // Creating the client does no I/O: connections open on the first request.
                var configuration = HTTPClient.Configuration(timeout: .init(connect: TimeAmount(connectTimeout)))
                configuration.connectionPool = .init(idleTimeout: .seconds(30))
                // A camera redirecting elsewhere must not take its credentials along.
                configuration.redirectConfiguration = .disallow
                let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
                state = .running(client)
                return client
            case .running(let client): return client
            case .shutDown: return nil
            }
        }
    }

    public func shutdown() async {
        let client: HTTPClient? = state.withLock { state in
            defer { state = .shutDown }
            if case .running(let client) = state { return client }
            return nil
        }
        try? await client?.shutdown()
    }

    /// One request, answering a Digest challenge once. A 401 after that is `.unauthorized`.
    public func request(_ method: Verb, _ url: String, body: [UInt8]? = nil, contentType: String? = nil,
                        credentials: CameraCredentials?, timeout: Duration, maxBytes: Int) async throws(Failure) -> Reply {
        guard let client = client() else { throw .connect("the gateway is shutting down") }
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let stateKey = credentials.map { "\(Self.authority(url))|\($0.username)" }
        for attempt in 0..<2 {
            var request = HTTPClientRequest(url: url)
            request.method = method == .GET ? .GET : .PUT
            // The client writes Content-Length from the buffer (0 for ISAPI's empty open and close).
            if body != nil || method == .PUT { request.body = .bytes(ByteBuffer(bytes: body ?? [])) }
            if let contentType { request.headers.replaceOrAdd(name: "Content-Type", value: contentType) }
            if let credentials, let authorization = authorization(for: credentials, method: method, url: url, key: stateKey!) {
                request.headers.replaceOrAdd(name: "Authorization", value: authorization)
            }
            let response: HTTPClientResponse
            do {
                response = try await client.execute(request, deadline: deadline)
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
                throw .timeout
            } catch {
                throw .connect(String(describing: error).prefix(200).description)
            }
            if response.status == .unauthorized, let credentials, attempt == 0 {
                // Drain the refusal, learn the challenge, try once more.
                _ = try? await response.body.collect(upTo: 64 * 1024)
                let header = response.headers["WWW-Authenticate"].first { $0.lowercased().hasPrefix("digest") }
                guard credentials.scheme == .digest, let header else {
                    if credentials.scheme == .digest, let other = response.headers["WWW-Authenticate"].first {
                        throw .authUnsupported(String(other.prefix(40)))
                    }
                    throw .unauthorized
                }
                try learn(header, key: stateKey!)
                continue
            }
            if response.status == .unauthorized { throw .unauthorized }
            let collected: ByteBuffer
            do {
                collected = try await response.body.collect(upTo: maxBytes)
            } catch let error as NIOTooManyBytesError {
                _ = error
                throw .tooLarge(maxBytes)
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
                throw .timeout
            } catch {
                throw .connect(String(describing: error).prefix(200).description)
            }
            return Reply(status: Int(response.status.code), contentType: response.headers["Content-Type"].first,
                         body: Array(collected.readableBytesView))
        }
        throw .unauthorized
    }

    // MARK: Digest

    private func learn(_ header: String, key: String) throws(Failure) {
        let fields = Self.fields(String(header.dropFirst(6)))
        let algorithm = fields["algorithm"]?.uppercased() ?? "MD5"
        guard algorithm == "MD5" else { throw .authUnsupported("Digest algorithm \(algorithm)") }
        guard let realm = fields["realm"], let nonce = fields["nonce"] else { throw .authUnsupported("a Digest challenge without realm or nonce") }
        let qops = (fields["qop"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields["qop"] == nil || qops.contains("auth") else { throw .authUnsupported("Digest qop \(fields["qop"]!)") }
        challenges.withLock { all in
            if all.count >= Self.maxChallenges { all.removeAll(keepingCapacity: true) }
            all[key] = Challenge(realm: realm, nonce: nonce, opaque: fields["opaque"], qop: fields["qop"] != nil)
        }
    }

    private func authorization(for credentials: CameraCredentials, method: Verb, url: String, key: String) -> String? {
        if credentials.scheme == .basic {
            return "Basic " + Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()
        }
        guard let challenge = challenges.withLock({ all -> Challenge? in
            guard var found = all[key] else { return nil }
            found.nc &+= 1
            all[key] = found
            return found
        }) else { return nil }
        let uri = Self.requestURI(url)
        let ha1 = Self.md5("\(credentials.username):\(challenge.realm):\(credentials.password)")
        let ha2 = Self.md5("\(method.rawValue):\(uri)")
        var header = "Digest username=\"\(credentials.username)\", realm=\"\(challenge.realm)\", nonce=\"\(challenge.nonce)\", "
            + "uri=\"\(uri)\", algorithm=MD5"
        if challenge.qop {
            let nc = String(format: "%08x", challenge.nc)
            let cnonce = Self.hex((0..<8).map { _ in UInt8.random(in: 0...255) })
            let response = Self.md5("\(ha1):\(challenge.nonce):\(nc):\(cnonce):auth:\(ha2)")
            header += ", qop=auth, nc=\(nc), cnonce=\"\(cnonce)\", response=\"\(response)\""
        } else {
            header += ", response=\"\(Self.md5("\(ha1):\(challenge.nonce):\(ha2)"))\""
        }
        if let opaque = challenge.opaque { header += ", opaque=\"\(opaque)\"" }
        return header
    }

    static func md5(_ text: String) -> String { hex(Array(Insecure.MD5.hash(data: Array(text.utf8)))) }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// `scheme://authority` of a URL (the Digest state's key).
    static func authority(_ url: String) -> String {
        guard let range = url.range(of: "://") else { return url }
        let rest = url[range.upperBound...]
        return String(url[..<range.upperBound]) + rest.prefix { $0 != "/" && $0 != "?" }
    }

    /// Path and query, as Digest's `uri` signs them.
    static func requestURI(_ url: String) -> String {
        guard let range = url.range(of: "://") else { return url }
        let rest = url[range.upperBound...]
        guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let tail = String(rest[slash...])
        return tail.hasPrefix("?") ? "/" + tail : tail
    }

    /// `name=value` and `name="quoted, value"` pairs of a challenge.
    static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        var rest = Substring(text)
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if escaped { value.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { break } else { value.append(c) }
                }
            } else {
                value = String(rest.prefix { $0 != "," }).trimmingCharacters(in: .whitespaces)
                rest = rest.drop { $0 != "," }
            }
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }
}
