import Foundation
@testable import Gateway
import KitchenModel
import TestSupport
import Testing

/// The gateway's client towards cameras, against real loopback servers: each failure a polled
/// camera can show comes back with the code the "no frames" detail and the metrics use.
@Suite struct CameraHTTPClientTests {
    static let credentials = try! CameraCredentials(username: "admin", password: "Cam-pass-1", field: "snapshot")

    @Test func digestIsAnsweredOnceThenTheNonceIsReused() async throws {
        let camera = try CameraHTTPStandIn(username: "admin", password: "Cam-pass-1")
        defer { camera.stop() }
        camera.state.withLock { $0.picture = .jpeg([0xFF, 0xD8, 0xFF, 0xD9]) }
        let client = CameraHTTPClient()
        let url = camera.baseURL + "/ISAPI/Streaming/channels/101/picture"
        for _ in 0..<3 {
            let reply = try await client.request(.GET, url, credentials: Self.credentials, timeout: .seconds(5), maxBytes: 1_024)
            #expect(reply.status == 200 && reply.body == [0xFF, 0xD8, 0xFF, 0xD9])
        }
        #expect(camera.received.map(\.authorized) == [false, true, true, true])
        await client.shutdown()
    }

    @Test func eachFailureHasItsCode() async throws {
        let client = CameraHTTPClient()
        func code(_ url: String, _ credentials: CameraCredentials? = nil, timeout: Duration = .seconds(5), maxBytes: Int = 1_024) async -> String? {
            do {
                _ = try await client.request(.GET, url, credentials: credentials, timeout: timeout, maxBytes: maxBytes)
                return nil
            } catch {
                return error.code
            }
        }
        // Nothing listens on a port that was free a moment ago.
        #expect(await code("http://127.0.0.1:\(freePort())/picture") == "connect_error")
        // A camera that accepts and never answers.
        let silent = try LoopbackHTTPServer { _ in
            Thread.sleep(forTimeInterval: 3)
            return .init(status: 200)
        }
        defer { silent.stop() }
        #expect(await code(silent.baseURL + "/picture", timeout: .milliseconds(500)) == "timeout")
        // A wrong password: the digest is answered once, then refused.
        let camera = try CameraHTTPStandIn(username: "admin", password: "Other-pass-9")
        defer { camera.stop() }
        #expect(await code(camera.baseURL + "/ISAPI/Streaming/channels/101/picture", Self.credentials) == "http_401")
        // Basic configured against a Digest-only camera: refused, never downgraded.
        let basic = try CameraCredentials(username: "admin", password: "Cam-pass-1", scheme: "basic", field: "snapshot")
        #expect(await code(camera.baseURL + "/ISAPI/Streaming/channels/101/picture", basic) == "http_401")
        // A body over the limit.
        let big = try LoopbackHTTPServer { _ in .init(status: 200, body: [UInt8](repeating: 0xFF, count: 4_096)) }
        defer { big.stop() }
        #expect(await code(big.baseURL + "/picture") == "too_large")
        // A challenge the gateway does not speak.
        let sha = try LoopbackHTTPServer { _ in
            .init(status: 401, headers: [("WWW-Authenticate", #"Digest realm="x", nonce="n", qop="auth", algorithm=SHA-256"#)])
        }
        defer { sha.stop() }
        #expect(await code(sha.baseURL + "/picture", Self.credentials) == "auth_unsupported")
        await client.shutdown()
        #expect(await code(big.baseURL + "/picture") == "connect_error", "after shutdown nothing is sent")
    }
}
