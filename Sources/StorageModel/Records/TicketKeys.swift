import KitchenModel

/// A key id that signed tickets in this store, with the fingerprint of its secret.
public struct TicketKeyRecord: Sendable, Hashable {
    public var keyID: String
    public var fingerprint: String
    public var firstSigned: EpochMillis

    public init(keyID: String, fingerprint: String, firstSigned: EpochMillis) {
        self.keyID = keyID
        self.fingerprint = fingerprint
        self.firstSigned = firstSigned
    }
}
