import Crypto
import Foundation
import KitchenModel
import Synchronization

/// HTTP Digest authentication (RFC 7616 with MD5, `qop=auth`), the scheme GA/T 1400 requires
/// of a platform and Hikvision cameras offer for `httpHosts` (`MD5digest`).
///
/// Nonces are `<issued ms hex>-<HMAC-SHA256 of it, 16 bytes hex>`: the server knows its own
/// nonces without storing them, and one older than `nonceLifetime` is answered with
/// `stale=true` so the client retries with a fresh one instead of asking for a password. Each
/// nonce's highest `nc` is remembered (bounded, oldest forgotten first: a forgotten nonce is
/// then stale), so a captured request replayed with the same or a lower count is refused.
/// Only `qop=auth` is accepted: without it there is no `nc` and nothing stops a replay.
public final class DigestAuthenticator: Sendable {
    public enum Outcome: Equatable, Sendable {
        case accepted(username: String)
        /// No credentials yet, or a stale nonce: answer 401 with `challenge(stale:)`.
        case challenge(stale: Bool)
        /// Wrong credentials or a replay: 401 with a fresh challenge, counted and logged.
        case refused(String)
    }

    public let realm: String
    public let nonceLifetimeMillis: Int64
    public static let maxTrackedNonces = 20_000
    /// The HMAC key of this process's nonces (a restart makes earlier nonces stale, which is harmless).
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    /// nonce → highest nc seen, with the order nonces were first used in (for eviction).
    private let counts = Mutex<(highest: [String: UInt32], order: [String], head: Int)>(([:], [], 0))

    public init(realm: String = "BrightKitchen", nonceLifetimeMillis: Int64 = 300_000) {
        self.realm = realm
        self.nonceLifetimeMillis = nonceLifetimeMillis
        self.keyBytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    public func challenge(now: EpochMillis, stale: Bool = false) -> String {
        "Digest realm=\"\(realm)\", qop=\"auth\", algorithm=MD5, nonce=\"\(nonce(now))\", opaque=\"\(opaque)\""
            + (stale ? ", stale=true" : "")
    }

    private var opaque: String { Self.hex(Array(HMAC<SHA256>.authenticationCode(for: Array("opaque".utf8), using: key)).prefix(8)) }

    func nonce(_ now: EpochMillis) -> String {
        let stamp = String(UInt64(max(0, now)), radix: 16)
        return stamp + "-" + Self.hex(Array(HMAC<SHA256>.authenticationCode(for: Array(stamp.utf8), using: key)).prefix(16))
    }

    /// `password(username)` gives the password of the account the request claims, nil when there
    /// is no such account (refused like a wrong password, so names cannot be probed).
    public func verify(method: String, uri: String, authorization: String?, now: EpochMillis,
                       password: (String) -> String?) -> Outcome {
        guard let authorization, authorization.utf8.count <= 4_096 else { return .challenge(stale: false) }
        guard authorization.lowercased().hasPrefix("digest ") else { return .refused("not a Digest authorization") }
        let fields = Self.fields(String(authorization.dropFirst(7)))
        guard let username = fields["username"], let nonce = fields["nonce"], let response = fields["response"],
              let requestURI = fields["uri"], let nc = fields["nc"], let cnonce = fields["cnonce"], let qop = fields["qop"]
        else { return .refused("Digest authorization lacks username, nonce, uri, response, qop, nc or cnonce") }
        guard fields["realm"] == realm else { return .refused("wrong realm") }
        guard qop == "auth" else { return .refused("qop must be auth") }
        if let algorithm = fields["algorithm"], algorithm.uppercased() != "MD5" { return .refused("algorithm must be MD5") }
        guard requestURI == uri else { return .refused("Digest uri does not match the request") }
        guard nc.utf8.count == 8, let count = UInt32(nc, radix: 16), count > 0 else { return .refused("nc must be 8 hex digits") }
        guard !cnonce.isEmpty, cnonce.utf8.count <= 256 else { return .refused("bad cnonce") }
        switch checkNonce(nonce, now: now) {
        case .forged: return .refused("nonce not issued here")
        case .stale: return .challenge(stale: true)
        case .fresh: break
        }
        guard let secret = password(username) else { return .refused("unknown user '\(username.prefix(64))'") }
        let ha1 = Self.md5("\(username):\(realm):\(secret)")
        let ha2 = Self.md5("\(method):\(uri)")
        let expected = Self.md5("\(ha1):\(nonce):\(nc):\(cnonce):\(qop):\(ha2)")
        guard Self.constantTimeEqual(expected, response.lowercased()) else { return .refused("wrong password for '\(username.prefix(64))'") }
        // Only a correct response may advance the count: a forger must not burn a client's nonce.
        guard advance(nonce, to: count) else { return .refused("nonce count \(nc) replayed") }
        return .accepted(username: username)
    }

    private enum NonceState { case fresh, stale, forged }

    private func checkNonce(_ nonce: String, now: EpochMillis) -> NonceState {
        let parts = nonce.split(separator: "-")
        guard parts.count == 2, let issued = UInt64(parts[0], radix: 16), issued <= UInt64(Int64.max) else { return .forged }
        let mac = Self.hex(Array(HMAC<SHA256>.authenticationCode(for: Array(parts[0].utf8), using: key)).prefix(16))
        guard Self.constantTimeEqual(mac, String(parts[1])) else { return .forged }
        let age = now - Int64(issued)
        return age >= -60_000 && age <= nonceLifetimeMillis ? .fresh : .stale
    }

    /// Records `count` for `nonce`; false when it does not exceed the highest seen.
    private func advance(_ nonce: String, to count: UInt32) -> Bool {
        counts.withLock { state in
            if let highest = state.highest[nonce] {
                guard count > highest else { return false }
                state.highest[nonce] = count
                return true
            }
            if state.highest.count >= Self.maxTrackedNonces, state.head < state.order.count {
                state.highest[state.order[state.head]] = nil
                state.head += 1
                if state.head > Self.maxTrackedNonces {   // compact now and then
                    state.order.removeFirst(state.head)
                    state.head = 0
                }
            }
            state.highest[nonce] = count
            state.order.append(nonce)
            return true
        }
    }

    /// `key=value` and `key="quoted, value"` pairs of an authorization header.
    static func fields(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(text)
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," || $0 == "\t" }
            guard let eq = rest.firstIndex(of: "=") else { break }
            let name = rest[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: eq)...].drop { $0 == " " }
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var end = rest.endIndex
                for i in rest.indices {
                    let c = rest[i]
                    if escaped { value.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { end = i; break } else { value.append(c) }
                }
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            if result[name] == nil { result[name] = value }
        }
        return result
    }

    static func md5(_ text: String) -> String { hex(Array(Insecure.MD5.hash(data: Array(text.utf8)))) }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0F)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
