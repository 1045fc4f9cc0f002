import Foundation
import GRDB
import KitchenModel
import StorageModel

extension Store {
    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// Stores a new batch and its `created` history entry in one transaction.
    public func createBatch(_ batch: Batch, actor: String) throws {
        try pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM batch WHERE id = ?", arguments: [batch.id.rawValue]) == true {
                throw BatchWriteError.duplicate(batch.id)
            }
            try Self.save(batch, change: .created, actor: actor, db: db, insert: true)
        }
    }

    /// Applies `change` to the stored batch (read and written in one transaction, so two
    /// concurrent updates never lose one another) and records it in the history.
    @discardableResult
    public func updateBatch(_ id: BatchID, kind: BatchChange.Kind, actor: String,
                            _ change: (inout Batch) throws -> Void) throws -> Batch {
        try pool.write { db in
            guard var batch = try Self.batch(id, db: db) else { throw BatchWriteError.notFound(id) }
            try change(&batch)
            try Self.save(batch, change: kind, actor: actor, db: db, insert: false)
            return batch
        }
    }

    public func batch(_ id: BatchID) throws -> Batch? {
        try pool.read { db in try Self.batch(id, db: db) }
    }

    public func batches(site: SiteID, limit: Int = 500) throws -> [Batch] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM batch WHERE site = ? ORDER BY created_ms DESC LIMIT ?",
                                arguments: [site.rawValue, limit]).compactMap(Self.decodeBatch)
        }
    }

    /// GS1 Digital Link: the batch with this GTIN and lot (the newest, should a lot repeat).
    public func batch(gtin: String, lot: String) throws -> Batch? {
        try pool.read { db in
            try String.fetchOne(db, sql: """
                SELECT body FROM batch WHERE gtin = ? AND lot = ? ORDER BY created_ms DESC LIMIT 1
                """, arguments: [gtin, lot]).flatMap(Self.decodeBatch)
        }
    }

    public func batchHistory(_ id: BatchID) throws -> [BatchChange] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM batch_history WHERE batch = ? ORDER BY rowid",
                                arguments: [id.rawValue]).compactMap { json in
                try? JSONDecoder().decode(BatchChange.self, from: Data(json.utf8))
            }
        }
    }

    // MARK: Tickets

    public func ticket(id: UInt64) throws -> Ticket? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM ticket WHERE id = ?", arguments: [Int64(bitPattern: id)])
                .flatMap(Self.ticket(row:))
        }
    }

    /// The ticket a scale already got for `req`, if any: a retried weighing gets it again.
    public func ticket(scale: DeviceKey, req: String) throws -> Ticket? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM ticket WHERE site = ? AND device = ? AND req = ?",
                             arguments: [scale.site.rawValue, scale.device.rawValue, req]).flatMap(Self.ticket(row:))
        }
    }

    public func tickets(batch: BatchID, limit: Int = 10_000) throws -> [Ticket] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ticket WHERE batch = ? ORDER BY issued_ms LIMIT ?",
                             arguments: [batch.rawValue, limit]).compactMap(Self.ticket(row:))
        }
    }

    public func sales(batch: BatchID) throws -> [StallSales] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT stall, count(*) AS n, sum(grams) AS g, sum(total_fen) AS f FROM ticket
                WHERE batch = ? GROUP BY stall ORDER BY stall
                """, arguments: [batch.rawValue]).map {
                StallSales(stall: $0["stall"], tickets: $0["n"], grams: $0["g"], totalFen: $0["f"])
            }
        }
    }

    public func ticketCount(site: SiteID, since: EpochMillis) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM ticket WHERE site = ? AND issued_ms >= ?",
                             arguments: [site.rawValue, since]) ?? 0
        }
    }

    // MARK: Rows

    private static func save(_ batch: Batch, change: BatchChange.Kind, actor: String, db: Database, insert: Bool) throws {
        let body = String(decoding: try encoder.encode(batch), as: UTF8.self)
        let history = String(decoding: try encoder.encode(BatchChange(kind: change, at: batch.updatedAt, actor: actor,
                                                                      batch: batch)), as: UTF8.self)
        let arguments: StatementArguments = [batch.id.rawValue, batch.site.rawValue, batch.stall, batch.gtin, batch.lot,
                                             batch.recall != nil, batch.createdAt, batch.updatedAt, body]
        if insert {
            try db.execute(sql: """
                INSERT INTO batch (id, site, stall, gtin, lot, recalled, created_ms, updated_ms, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: arguments)
        } else {
            try db.execute(sql: """
                REPLACE INTO batch (id, site, stall, gtin, lot, recalled, created_ms, updated_ms, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: arguments)
        }
        try db.execute(sql: "INSERT INTO batch_history (batch, at_ms, change, actor, body) VALUES (?, ?, ?, ?, ?)",
                       arguments: [batch.id.rawValue, batch.updatedAt, change.rawValue, actor, history])
    }

    private static func batch(_ id: BatchID, db: Database) throws -> Batch? {
        try String.fetchOne(db, sql: "SELECT body FROM batch WHERE id = ?", arguments: [id.rawValue])
            .flatMap(decodeBatch)
    }

    private static func decodeBatch(_ json: String) -> Batch? {
        try? JSONDecoder().decode(Batch.self, from: Data(json.utf8))
    }

    static func ticket(row: Row) -> Ticket? {
        guard let site = SiteID(row["site"]), let device = DeviceID(row["device"]),
              let batch = BatchID(row["batch"]) else { return nil }
        return Ticket(id: UInt64(bitPattern: row["id"]), code: row["code"], traceNumber: row["trace_no"],
                      keyID: row["key_id"], scale: DeviceKey(site: site, device: device), req: row["req"],
                      stall: row["stall"], batch: batch, plu: row["plu"], item: row["item"], grams: row["grams"],
                      unitPriceFen: row["unit_price_fen"], totalFen: row["total_fen"], issuedAt: row["issued_ms"])
    }
}
