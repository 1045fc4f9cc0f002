import Foundation
import KitchenModel
import StorageModel
import Traceability

/// Opens the ticket keyring for a store and refuses one that would change printed codes' meaning.
///
/// The store records the fingerprint of every key id the first time it signs a ticket or a
/// kitchen ledger's day head (in that write's own transaction). A start is refused when the keyring lacks a recorded id or holds
/// another secret under it; a fresh key is generated only for a store that has no ticket and no
/// recorded key. Nothing is written to the store or the keyring before the checks pass.
public enum TicketKeyCheck {
    /// The default keyring of a database: `ticket-keys` in the database file's directory, so it
    /// follows `--database` wherever the gateway is started from. Nil for a store that is not a
    /// file (`:memory:`, a `file:` URI): the operator must name the keyring.
    public static func defaultKeyringPath(database: String) -> String? {
        guard let path = (try? StoreLocation(database))?.sqlitePath, path != ":memory:", !path.hasPrefix("file:") else {
            return nil
        }
        let directory = (path as NSString).deletingLastPathComponent
        return ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent("ticket-keys")
    }

    /// Why a start is refused: which key ids, and what the operator can do.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// The keyring at `path`, checked against `store`; created with a fresh key only for a store
    /// that never issued a ticket.
    public static func open(path: String, store: any TicketKeyStore & StoreMaintenance, now: EpochMillis) throws -> TicketKeyring {
        let recorded = try store.ticketKeys()
        guard FileManager.default.fileExists(atPath: path) else {
            let hasTickets = try store.hasTickets()
            guard recorded.isEmpty, !hasTickets else {
                let ids = recorded.isEmpty ? try store.sampleTicketCodesByKey().keys.sorted() : recorded.keys.sorted()
                throw Refusal(description: """
                    ticket keyring \(path) does not exist, but the database \(store.location) holds tickets \
                    or ledger heads signed with key id(s) \(ids.joined(separator: ", ")).
                      A new key would make every printed code read 非正品 and every signed ledger day fail \
                    verification, so none is generated.
                      Restore the keyring file from your backup to \(path), or pass --ticket-keys \
                    (BK_TICKET_KEYS) with the keyring this database was used with.
                    """)
            }
            let keyring = TicketKeyring.generate()
            try KeyringFile.save(keyring, to: path)
            return keyring
        }
        let keyring: TicketKeyring
        do {
            keyring = try KeyringFile.load(path: path)
        } catch {
            throw Refusal(description: """
                \(error)
                  The database \(store.location) was not changed. Restore the keyring from your backup; \
                do not delete it (a new key cannot verify the codes already printed).
                """)
        }
        var missing: [String] = []
        var different: [String] = []
        for record in recorded.values.sorted(by: { $0.keyID < $1.keyID }) {
            guard let id = TicketKeyID(symbol: record.keyID), let key = keyring.key(id) else {
                missing.append(record.keyID)
                continue
            }
            if key.fingerprint != record.fingerprint { different.append(record.keyID) }
        }
        var firstRecords: [TicketKeyRecord] = []
        if recorded.isEmpty {
            // A store from before fingerprints: the keyring must verify a code each key id signed.
            for (keyID, code) in try store.sampleTicketCodesByKey().sorted(by: { $0.key < $1.key }) {
                do {
                    let verified = try keyring.verify(code)
                    firstRecords.append(TicketKeyRecord(keyID: keyID, fingerprint: keyring.key(verified.keyID)!.fingerprint,
                                                        firstSigned: now))
                } catch .unknownKeyID {
                    missing.append(keyID)
                } catch {
                    different.append(keyID)
                }
            }
        }
        guard missing.isEmpty, different.isEmpty else {
            throw Refusal(description: refusal(path: path, database: store.location, missing: missing, different: different))
        }
        if !firstRecords.isEmpty { try store.recordTicketKeys(firstRecords) }
        return keyring
    }

    private static func refusal(path: String, database: String, missing: [String], different: [String]) -> String {
        var lines = ["ticket keyring \(path) does not match the database \(database):"]
        if !missing.isEmpty {
            lines.append("  key id(s) \(missing.joined(separator: ", ")) signed tickets or ledger heads in this database but are not in the keyring")
        }
        if !different.isEmpty {
            lines.append("  key id(s) \(different.joined(separator: ", ")) hold a different secret than the one that signed this database's tickets or ledger heads")
        }
        lines.append("  Starting would make codes already printed read 非正品; nothing was changed.")
        lines.append("  Restore the keyring this database was used with (from backup), or pass --ticket-keys (BK_TICKET_KEYS) naming it.")
        lines.append("  To sign with a new key, run `brightkitchen keys rotate` on that keyring: it adds a key under a new id and keeps the old ones.")
        return lines.joined(separator: "\n")
    }
}

extension TicketIssuer {
    /// The store's record of the active key, written with each ticket it signs (ignored once recorded).
    func activeKeyRecord(at now: EpochMillis) -> TicketKeyRecord {
        TicketKeyRecord(keyID: keyring.activeKey.id.description, fingerprint: activeKeyFingerprint, firstSigned: now)
    }
}
