import Foundation
import Hummingbird

/// The login form's anti-forgery value: random, kept in a cookie only `/login` receives and
/// echoed by the form. A cross-site post carries neither a matching field (the attacker cannot
/// read the cookie) nor, under SameSite=Strict, the cookie at all.
enum LoginNonce {
    static let cookieName = "bk_login"
    /// Long enough to type a token, short enough that a stale form is soon useless.
    static let maxAgeSeconds = 15 * 60

    /// 128 random bits, hex.
    static func fresh() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    static func cookie(_ nonce: String) -> String {
        "\(cookieName)=\(nonce); Path=/login; HttpOnly; SameSite=Strict; Max-Age=\(maxAgeSeconds)"
    }

    static func value(from request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName else { continue }
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// Constant time for equal lengths; a missing or empty value never matches.
    static func matches(_ sent: String?, cookie: String?) -> Bool {
        guard let sent, let cookie, !cookie.isEmpty, sent.utf8.count == cookie.utf8.count else { return false }
        return zip(sent.utf8, cookie.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
