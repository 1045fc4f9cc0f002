import Crypto

/// One secret for signing ticket codes, with the id that codes carry to name it.
public struct TicketKey: Sendable {
    /// Shortest accepted secret: HMAC-SHA256 gains nothing beyond 32 bytes and must not have less.
    public static let minimumByteCount = 32
    /// Size of a freshly generated secret.
    public static let generatedByteCount = 32

    /// The id written as the first symbol of every code this key signs.
    public let id: TicketKeyID
    private let storage: SecretStorage

    var secret: SymmetricKey { storage.key }

    /// A key from raw secret bytes; fails if there are fewer than ``minimumByteCount``.
    public init(id: TicketKeyID, secret bytes: some Collection<UInt8>) throws(TicketKeyringError) {
        guard bytes.count >= Self.minimumByteCount else {
            throw .keyTooShort(id, byteCount: bytes.count)
        }
        self.id = id
        self.storage = SecretStorage(key: SymmetricKey(data: Array(bytes)))
    }

    /// A fresh random key (from the system's cryptographically secure generator).
    public static func generate(id: TicketKeyID) -> TicketKey {
        let secret = SymmetricKey(size: .init(bitCount: generatedByteCount * 8))
        return TicketKey(id: id, symmetricKey: secret)
    }

    private init(id: TicketKeyID, symmetricKey: SymmetricKey) {
        self.id = id
        self.storage = SecretStorage(key: symmetricKey)
    }

    /// The secret in lower-case hex, as a keyring file stores it.
    var secretHex: String {
        secret.withUnsafeBytes { bytes in Hex.encode(bytes) }
    }
}

/// `@unchecked Sendable` because swift-crypto 3.12 does not mark `SymmetricKey` `Sendable` although
/// it is an immutable value: its byte storage is written once at creation and only read after.
private struct SecretStorage: @unchecked Sendable {
    let key: SymmetricKey
}
