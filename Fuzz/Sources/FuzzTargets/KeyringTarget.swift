import Traceability

/// `TicketKeyring(text:)`, the keyring file every start reads (`KeyringFile`), on arbitrary
/// bytes. The file is the operator's, but a truncated, half-restored or hand-edited one must give
/// a clear error, never a crash, and never an error that quotes key material.
///
/// Invariants: a keyring that loads writes a file that loads back to the same ids and
/// fingerprints with the same active key, and holds no id twice; a refusal's message contains
/// no run of 16 or more hex digits (no secret is echoed).
public enum KeyringTarget {
    public static func run(_ input: UnsafeRawBufferPointer) throws(FuzzFailure) {
        let text = String(decoding: input, as: UTF8.self)
        let keyring: TicketKeyring
        do {
            keyring = try TicketKeyring(text: text)
        } catch {
            try require(!quotesKeyMaterial("\(error)"), "the refusal '\(error)' quotes key material")
            return
        }
        try require(Set(keyring.keyIDs).count == keyring.keyIDs.count, "an id is held twice: \(keyring.keyIDs)")
        let reread: TicketKeyring
        do {
            reread = try TicketKeyring(text: keyring.text)
        } catch {
            throw FuzzFailure(description: "invariant broken: a loaded keyring does not load back: \(error)")
        }
        try require(reread.activeKey.id == keyring.activeKey.id, "the active key changed on the way back")
        try require(reread.keyIDs == keyring.keyIDs, "ids \(keyring.keyIDs) came back as \(reread.keyIDs)")
        for id in keyring.keyIDs {
            try require(reread.key(id)?.fingerprint == keyring.key(id)?.fingerprint, "key \(id) came back with another secret")
        }
    }

    /// A run of 16 or more hex digits: part of a secret, or all of it.
    public static func quotesKeyMaterial(_ text: String) -> Bool { longestHexRun(text) >= 16 }

    static func longestHexRun(_ text: String) -> Int {
        var longest = 0
        var run = 0
        for byte in text.utf8 {
            let isHex = (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || (0x41...0x46).contains(byte)
            run = isHex ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}
