import KitchenModel
import StorageModel
import Traceability

/// Day heads signed with the gateway's ticket keyring (its active key), checked with any key the
/// keyring holds: one key store for tickets and ledgers, rotated and backed up together.
public enum LedgerSigning {
    /// The signer a store calls for each (site, day) head an append moves.
    public static func signer(_ keyring: TicketKeyring) -> LedgerHeadSigner {
        { site, day, seq, hash in
            let (keyID, signature) = keyring.signLedgerHead(LedgerChain.headMessage(site: site, day: day, seq: seq, hash: hash))
            return LedgerDayHead(site: site, day: day, seq: seq, hash: hash, keyID: keyID.description, signature: signature)
        }
    }

    /// `true` genuine, `false` forged or altered, `nil` signed by a key this keyring lacks.
    public static func check(_ head: LedgerDayHead, keyring: TicketKeyring) -> Bool? {
        guard let keyID = TicketKeyID(symbol: head.keyID) else { return false }
        return keyring.verifyLedgerHead(LedgerChain.headMessage(site: head.site, day: head.day, seq: head.seq, hash: head.hash),
                                        keyID: keyID, signature: head.signature)
    }
}
