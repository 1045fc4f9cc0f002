import Crypto
import Foundation
import Hummingbird
import KitchenModel

/// The login form's anti-forgery value, kept in a cookie only `/login` receives and echoed by
/// the form (double submit). A cross-site post carries neither a matching field (the attacker
/// cannot read the cookie) nor, under SameSite=Strict, the cookie at all. The value is also
/// signed with a key made at process start and carries its expiry, so the gateway accepts only
/// nonces it issued itself, recently: a value planted in the cookie some other way (a sibling
/// subdomain, a proxy) and echoed by a forged form is still refused. After a restart, open login
/// forms are refused as expired and show a fresh one.
enum LoginNonce {
    static let cookieName = "bk_login"
    /// Long enough to type a token, short enough that a stale form is soon useless.
    static let maxAgeSeconds = 15 * 60
    /// Per process: nonces do not need to outlive the process that checks them.
    private static let keyBytes: [UInt8] = {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in generator.next() }
    }()

    /// `<expiry, unix seconds>.<128 random bits, hex>.<HMAC-SHA-256 of both, first 16 bytes, hex>`.
    static func fresh(now: EpochMillis) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<2).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
        let body = "\(now / 1000 + EpochMillis(maxAgeSeconds)).\(random)"
        return body + "." + signature(body)
    }

    private static func signature(_ body: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: keyBytes)).prefix(16)
            .map { String(format: "%02x", $0) }.joined()
    }

    static func cookie(_ nonce: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: nonce, maxAge: maxAgeSeconds, path: "/login", secure: secure, httpOnly: true,
               sameSite: .strict)
    }

    static func value(from request: Request) -> String? {
        request.cookies[cookieName]?.value.trimmingCharacters(in: .whitespaces)
    }

    /// Field and cookie equal (constant time for equal lengths), signed by this process and not
    /// expired. A missing or empty value never matches.
    static func matches(_ sent: String?, cookie: String?, now: EpochMillis) -> Bool {
        guard let sent, let cookie, !cookie.isEmpty, sent.utf8.count == cookie.utf8.count,
              zip(sent.utf8, cookie.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
        else { return false }
        return isValid(cookie, now: now)
    }

    /// The signature is this process's and the expiry has not passed.
    static func isValid(_ nonce: String, now: EpochMillis) -> Bool {
        let parts = nonce.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let expiry = EpochMillis(parts[0]), now / 1000 < expiry else { return false }
        let expected = Array(signature("\(parts[0]).\(parts[1])").utf8)
        let sent = Array(parts[2].utf8)
        return sent.count == expected.count && zip(sent, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
