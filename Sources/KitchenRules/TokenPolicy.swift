import Foundation
import KitchenModel

/// What an API bearer token is: `bk_` and 32 random bytes in unpadded base64url (256 bits; the
/// prefix makes a leaked one recognisable to secret scanners), and which role/scope pairs may hold
/// one. Storage keeps only hashes and knows none of this.
public enum TokenPolicy {
    public static let prefix = "bk_"
    public static let secretByteCount = 32
    /// Longer strings are not looked up at all (a minted token is 46 characters).
    public static let maxLength = 199

    /// A new token from `generator` (the system's CSPRNG outside tests).
    public static func mint<G: RandomNumberGenerator>(using generator: inout G) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(secretByteCount)
        for _ in 0..<secretByteCount { bytes.append(generator.next()) }
        return prefix + base64URL(bytes)
    }

    public static func mint() -> String {
        var generator = SystemRandomNumberGenerator()
        return mint(using: &generator)
    }

    /// Whether `token` could be one this policy minted; anything else is refused before hashing.
    public static func isWellFormed(_ token: String) -> Bool {
        token.hasPrefix(prefix) && token.utf8.count <= maxLength
    }

    /// Refuses a role/scope pair no token may carry (`Principal.ScopeError`), before one is issued.
    public static func checkIssuable(role: Role, scope: String?) throws {
        try Principal.validate(role: role, scope: scope)
    }

    /// RFC 4648 §5 without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
