import GRDB
import KitchenModel
import StorageModel

extension Store {
    /// Every recorded signing key, by id.
    public func ticketKeys() throws -> [String: TicketKeyRecord] {
        try pool.read { db in
            var records: [String: TicketKeyRecord] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key_id, fingerprint, first_signed_ms FROM ticket_key") {
                let record = TicketKeyRecord(keyID: row[0], fingerprint: row[1], firstSigned: row[2])
                records[record.keyID] = record
            }
            return records
        }
    }

    /// Whether any ticket was ever stored and is still kept.
    public func hasTickets() throws -> Bool {
        try pool.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM ticket)") ?? false }
    }

    /// One stored code per key id found in the ticket table: for a store written before key
    /// fingerprints were recorded, the keyring is checked against codes it really signed.
    /// A full scan, so only done while no fingerprint is recorded.
    public func sampleTicketCodesByKey() throws -> [String: String] {
        try pool.read { db in
            var codes: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key_id, min(code) FROM ticket GROUP BY key_id") {
                codes[row[0]] = row[1]
            }
            return codes
        }
    }

    /// Records keys not recorded yet; a recorded id keeps its first fingerprint.
    public func recordTicketKeys(_ records: [TicketKeyRecord]) throws {
        try pool.write { db in
            for record in records { try Self.insertTicketKey(record, db) }
        }
    }

    static func insertTicketKey(_ record: TicketKeyRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO ticket_key (key_id, fingerprint, first_signed_ms) VALUES (?, ?, ?)
            ON CONFLICT (key_id) DO NOTHING
            """, arguments: [record.keyID, record.fingerprint, record.firstSigned])
    }
}
