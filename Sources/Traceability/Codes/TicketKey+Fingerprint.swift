import Crypto

extension TicketKey {
    /// Names the secret without revealing it: SHA-256 over a domain label, the key id and the
    /// secret. The store keeps it for every key that signed a ticket, so a start with a different
    /// secret under a known id is refused instead of turning printed codes into "非正品".
    /// The label keeps this hash from ever equalling a hash of the secret made for another purpose.
    public var fingerprint: String {
        var hash = SHA256()
        hash.update(data: Array("brightkitchen ticket-key fingerprint v1\u{0}".utf8))
        hash.update(data: Array("\(id)\u{0}".utf8))
        secret.withUnsafeBytes { hash.update(bufferPointer: $0) }
        return hash.finalize().withUnsafeBytes { Hex.encode($0) }
    }
}
