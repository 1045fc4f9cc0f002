import Crypto
import Foundation
import Gateway
import KitchenModel
import Testing

/// Issue 18: HTTP Digest as GA/T 1400 requires and Hikvision's `MD5digest` offers, against a
/// client computed here from RFC 7616; and the registry entries cameras pushing over HTTP need.
@Suite struct CameraPushAuthTests {
    static let t0: EpochMillis = 1_795_305_600_000
    let digest = DigestAuthenticator(nonceLifetimeMillis: 300_000)

    static func md5(_ text: String) -> String { Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined() }

    static func field(_ name: String, _ header: String) -> String? {
        guard let range = header.range(of: "\(name)=\"") else { return nil }
        let rest = header[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// An Authorization header as a camera computes it from a challenge.
    static func authorization(_ challenge: String, user: String = "cam", password: String = "pass-word-1", uri: String = "/isapi/cam",
                              method: String = "POST", nc: Int = 1, qop: String? = "auth", realmOverride: String? = nil) -> String {
        let realm = realmOverride ?? field("realm", challenge)!, nonce = field("nonce", challenge)!
        let count = String(format: "%08x", nc), cnonce = "0a4f113b"
        let ha1 = md5("\(user):\(realm):\(password)"), ha2 = md5("\(method):\(uri)")
        let response = qop == nil ? md5("\(ha1):\(nonce):\(ha2)") : md5("\(ha1):\(nonce):\(count):\(cnonce):\(qop!):\(ha2)")
        return "Digest username=\"\(user)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", "
            + (qop.map { "qop=\($0), nc=\(count), cnonce=\"\(cnonce)\", " } ?? "") + "response=\"\(response)\", algorithm=MD5"
    }

    func verify(_ authorization: String?, uri: String = "/isapi/cam", at now: EpochMillis = Self.t0) -> DigestAuthenticator.Outcome {
        digest.verify(method: "POST", uri: uri, authorization: authorization, now: now) { $0 == "cam" ? "pass-word-1" : nil }
    }

    @Test func aCorrectResponseIsAcceptedOnceAndEachLaterCountAgain() {
        let challenge = digest.challenge(now: Self.t0)
        #expect(challenge.hasPrefix("Digest realm=\"BrightKitchen\", qop=\"auth\", algorithm=MD5, nonce=\""))
        #expect(verify(nil) == .challenge(stale: false))
        #expect(verify(Self.authorization(challenge)) == .accepted(username: "cam"))
        #expect(verify(Self.authorization(challenge)) == .refused("nonce count 00000001 replayed"))
        #expect(verify(Self.authorization(challenge, nc: 2)) == .accepted(username: "cam"))
        #expect(verify(Self.authorization(challenge, nc: 2)) != .accepted(username: "cam"))
    }

    @Test func staleForgedAndWrongResponsesAreToldApart() {
        let challenge = digest.challenge(now: Self.t0)
        // Past the nonce lifetime: a challenge with stale=true, so the camera retries without asking for a password.
        #expect(verify(Self.authorization(challenge), at: Self.t0 + 300_001) == .challenge(stale: true))
        #expect(digest.challenge(now: Self.t0, stale: true).hasSuffix(", stale=true"))
        // A nonce this server never issued (another process's key, or made up).
        let other = DigestAuthenticator().challenge(now: Self.t0)
        #expect(verify(Self.authorization(other)) == .refused("nonce not issued here"))
        // Wrong password, unknown user, another URI, no qop, another realm: refused, never a crash.
        #expect(verify(Self.authorization(challenge, password: "guess")) == .refused("wrong password for 'cam'"))
        #expect(verify(Self.authorization(challenge, user: "admin")) == .refused("unknown user 'admin'"))
        #expect(verify(Self.authorization(challenge, uri: "/isapi/other")) == .refused("Digest uri does not match the request"))
        #expect(verify(Self.authorization(challenge, qop: nil)).isRefused)
        #expect(verify(Self.authorization(challenge, realmOverride: "Other")) == .refused("wrong realm"))
        #expect(verify("Basic Y2FtOnBhc3M=") == .refused("not a Digest authorization"))
        #expect(verify("Digest ,,,=\"") .isRefused)
        #expect(verify("Digest " + String(repeating: "a", count: 5_000)) == .challenge(stale: false))
        // A forger's wrong response does not burn the camera's count.
        #expect(verify(Self.authorization(challenge, password: "guess", nc: 7)).isRefused)
        #expect(verify(Self.authorization(challenge, nc: 7)) == .accepted(username: "cam"))
    }

    @Test func registryEntriesForPushingCamerasAreChecked() throws {
        func load(_ source: String) throws -> Registry {
            try RegistryFile.parse(yaml: """
                sites:
                  - {id: canteen-01, name: 食堂, kind: canteen, region: "420106"}
                devices:
                  - {id: cam-1, site: canteen-01, kind: camera, source: \(source)}
                """)
        }
        let registry = try load(#"{family: isapi, id: cam-1, password: "Kitchen-2026!", labels: {noChefHat: no_hat}}"#)
        let source = try #require(registry.devices.values.first?.source)
        #expect(source.push?.username == "cam-1" && source.push?.labels == ["noChefHat": "no_hat"])
        #expect(!"\(source)".contains("Kitchen-2026!"), "the password is never printed")
        for (yaml, expected) in [
            (#"{family: isapi, id: cam-1}"#, "source.password: is missing"),
            (#"{family: isapi, id: "cam/1", password: "Kitchen-2026!"}"#, "source.id: ISAPI camera id"),
            (#"{family: gat1400, id: "4201", password: "Kitchen-2026!"}"#, "source.id: a GA/T 1400 DeviceID is 20 digits"),
            (#"{family: isapi, id: cam-1, password: short}"#, "source.password: must be 8-128 characters"),
            (#"{family: isapi, id: cam-1, password: "Kitchen-2026!", detect: {width: 1, height: 1}}"#, "source.detect: only Frigate"),
            (#"{family: frigate, id: cam1, password: "Kitchen-2026!", detect: {width: 1, height: 1}}"#,
             "source.password: only isapi and gat1400 sources take credentials"),
            (#"{family: isapi, id: cam-1, password: "Kitchen-2026!", labels: {x: "No Hat"}}"#, "source.labels:"),
        ] {
            #expect(throws: (any Error).self, "\(yaml)") { _ = try load(yaml) }
            do { _ = try load(yaml) } catch { #expect("\(error)".contains(expected), "\(yaml): \(error)") }
        }
    }
}

extension DigestAuthenticator.Outcome {
    var isRefused: Bool { if case .refused = self { true } else { false } }
}
