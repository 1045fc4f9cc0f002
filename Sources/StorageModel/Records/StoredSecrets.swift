import Crypto
import Foundation
import KitchenModel

/// How every backend keeps API tokens and dashboard session ids: only their SHA-256 (hex), so a
/// copy of the database holds nothing a browser or a client could present.
public enum StoredSecret {
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Dashboard session ids: 32 random bytes, URL-safe, with a prefix that no API token has.
public enum DashboardSessionID {
    public static let prefix = "bks_"
    /// A session's `seen_ms` is written at most this often: a page refresh need not be a write.
    public static let touchMillis: EpochMillis = 60_000

    public static func mint() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()  // the system CSPRNG (getrandom)
        for i in bytes.indices { bytes[i] = generator.next() }
        return prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether `id` can be one of ours (checked before any lookup).
    public static func isWellFormed(_ id: String) -> Bool { id.hasPrefix(prefix) && id.utf8.count < 200 }
}
