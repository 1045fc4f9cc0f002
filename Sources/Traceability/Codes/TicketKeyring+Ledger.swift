import Crypto

/// Signatures over kitchen-ledger chain heads (docs/ledgers.md), made with the ticket keyring's
/// secrets so that a gateway has one key store to back up and rotate. A domain prefix keeps these
/// MACs apart from ticket tags: no ledger signature can ever pass as a ticket code, or back.
extension TicketKeyring {
    /// Separates ledger-head MACs from ticket tags ("BK-TICKET-1") made with the same secret.
    static let ledgerDomain: [UInt8] = Array("BK-LEDGER-HEAD-1".utf8)

    /// HMAC-SHA256(active secret, "BK-LEDGER-HEAD-1" ‖ message) in lower-case hex, with the key id.
    public func signLedgerHead(_ message: [UInt8]) -> (keyID: TicketKeyID, signature: String) {
        (activeKey.id, Self.ledgerMAC(message, key: activeKey))
    }

    /// Whether `signature` is the MAC of `message` under key `keyID` (active or retired); `nil` when
    /// this keyring does not hold that key, so a caller can say "cannot check" rather than "forged".
    public func verifyLedgerHead(_ message: [UInt8], keyID: TicketKeyID, signature: String) -> Bool? {
        guard let key = key(keyID) else { return nil }
        let expected = Array(Self.ledgerMAC(message, key: key).utf8)
        let presented = Array(signature.lowercased().utf8)
        guard expected.count == presented.count else { return false }
        // No early exit: the time taken does not tell how long a correct prefix is.
        return zip(expected, presented).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func ledgerMAC(_ message: [UInt8], key: TicketKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: ledgerDomain + message, using: key.secret)
        return mac.withUnsafeBytes { Hex.encode($0) }
    }
}
