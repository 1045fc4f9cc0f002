import Crypto

/// The truncated HMAC that makes a ticket code unforgeable.
enum TicketSignature {
    /// Bits of HMAC-SHA256 kept in a code: twelve base32 symbols.
    static let bitCount = 60

    /// Keeps a tag for tickets apart from any other use the same secret might be put to.
    private static let domain: [UInt8] = Array("BK-TICKET-1".utf8)

    /// The first 60 bits of HMAC-SHA256(secret, "BK-TICKET-1" ‖ key id (1 byte) ‖ ticket id (8 bytes, big-endian)).
    static func tag(for ticketID: TicketID, keyID: TicketKeyID, secret: SymmetricKey) -> UInt64 {
        var message = domain
        message.append(keyID.rawValue)
        withUnsafeBytes(of: ticketID.rawValue.bigEndian) { message.append(contentsOf: $0) }
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: secret)
        let leading = mac.withUnsafeBytes { bytes in
            bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        return leading >> UInt64(64 - bitCount)
    }

    /// Whether two tags are equal, in time independent of where they differ.
    ///
    /// XOR of two machine words followed by one comparison has no early exit, unlike comparing
    /// the tags symbol by symbol; an attacker cannot learn a correct prefix from timing.
    static func matches(_ expected: UInt64, _ presented: UInt64) -> Bool {
        (expected ^ presented) == 0
    }
}
