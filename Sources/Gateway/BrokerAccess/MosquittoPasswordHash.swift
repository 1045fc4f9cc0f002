import Crypto
import Foundation
import _CryptoExtras

/// A password hash in the form mosquitto 2.0's `password_file` reads:
/// `$7$<iterations>$<base64 salt>$<base64 PBKDF2-HMAC-SHA512>`, the same as `mosquitto_passwd` writes.
public struct MosquittoPasswordHash: Sendable, Equatable, CustomStringConvertible {
    /// mosquitto_passwd's own default. The passwords we issue are 192 random bits, so a slow KDF
    /// adds nothing against guessing, while mosquitto pays it on every (re)connect of every device.
    public static let defaultIterations = 101
    static let saltBytes = 12
    static let hashBytes = SHA512.byteCount

    public let iterations: Int
    public let salt: [UInt8]
    public let hash: [UInt8]

    public static func make(password: String, iterations: Int = defaultIterations) -> MosquittoPasswordHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return MosquittoPasswordHash(iterations: iterations, salt: salt,
                                     hash: pbkdf2SHA512(password: Array(password.utf8), salt: salt, iterations: iterations))
    }

    init(iterations: Int, salt: [UInt8], hash: [UInt8]) {
        self.iterations = iterations
        self.salt = salt
        self.hash = hash
    }

    /// Parses the part after `username:`; nil for anything but a `$7$` hash.
    public init?(_ text: some StringProtocol) {
        let fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty, fields[1] == "7",
              let iterations = Int(fields[2]), iterations > 0,
              let salt = Data(base64Encoded: String(fields[3])), !salt.isEmpty,
              let hash = Data(base64Encoded: String(fields[4])), hash.count == Self.hashBytes else { return nil }
        self.init(iterations: iterations, salt: Array(salt), hash: Array(hash))
    }

    public var description: String {
        "$7$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())"
    }

    public func matches(password: String) -> Bool {
        let candidate = Self.pbkdf2SHA512(password: Array(password.utf8), salt: salt, iterations: iterations)
        // Constant time, although only tests and tools compare here; mosquitto does the real checks.
        return zip(candidate, hash).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0 && candidate.count == hash.count
    }

    /// RFC 8018 PBKDF2 with HMAC-SHA512, one output block (64 bytes, what mosquitto stores), from
    /// swift-crypto's BoringSSL. mosquitto's own iteration count (101) is far below the 210,000 the
    /// checked API insists on, hence the unchecked entry point: see `defaultIterations`.
    static func pbkdf2SHA512(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(from: password, salt: salt, using: .sha512,
                                                        outputByteCount: hashBytes,
                                                        unsafeUncheckedRounds: max(iterations, 1))
            return key.withUnsafeBytes { Array($0) }
        } catch {
            // BoringSSL fails only on allocation failure or an output length it cannot make, and
            // 64 bytes of SHA-512 is neither: a hash that cannot be made is a broken build.
            preconditionFailure("PBKDF2-HMAC-SHA512 failed: \(error)")
        }
    }
}
