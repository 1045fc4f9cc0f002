import Foundation
import KitchenModel
import PostgresNIO
import StorageModel

extension PostgresStore: TraceabilityStore {
    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// Stores a new batch and its `created` history entry in one transaction.
    public func createBatch(_ batch: Batch, actor: String) throws {
        try database.transaction { session in
            // The insert itself decides, so two gateways creating the same id cannot both succeed.
            guard try Self.save(batch, change: .created, actor: actor, session, insert: true) else {
                throw BatchWriteError.duplicate(batch.id)
            }
        }
    }

    /// Applies `change` to the stored batch, its row locked (FOR UPDATE) from read to write so two
    /// concurrent updates never lose one another, and records it in the history.
    @discardableResult
    public func updateBatch(_ id: BatchID, kind: BatchChange.Kind, actor: String,
                            _ change: (inout Batch) throws -> Void) throws -> Batch {
        try database.transaction { session in
            guard var batch = try session.query("SELECT body FROM batch WHERE id = $1 FOR UPDATE", [.text(id.rawValue)])
                .first.map(decode(String.self)).flatMap(Self.decodeBatch)
            else { throw BatchWriteError.notFound(id) }
            try change(&batch)
            _ = try Self.save(batch, change: kind, actor: actor, session, insert: false)
            return batch
        }
    }

    public func batch(_ id: BatchID) throws -> Batch? {
        try database.query("SELECT body FROM batch WHERE id = $1", [.text(id.rawValue)]).first
            .map(decode(String.self)).flatMap(Self.decodeBatch)
    }

    public func batches(site: SiteID, limit: Int) throws -> [Batch] {
        try database.query("SELECT body FROM batch WHERE site = $1 ORDER BY created_ms DESC LIMIT $2",
                           [.text(site.rawValue), .int(Int64(limit))]).map(decode(String.self)).compactMap(Self.decodeBatch)
    }

    /// GS1 Digital Link: the batch with this GTIN and lot (the newest, should a lot repeat).
    public func batch(gtin: String, lot: String) throws -> Batch? {
        try database.query("""
            SELECT body FROM batch WHERE gtin = $1 AND lot = $2 ORDER BY created_ms DESC LIMIT 1
            """, [.text(gtin), .text(lot)]).first.map(decode(String.self)).flatMap(Self.decodeBatch)
    }

    public func batchHistory(_ id: BatchID) throws -> [BatchChange] {
        try database.query("SELECT body FROM batch_history WHERE batch = $1 ORDER BY id", [.text(id.rawValue)])
            .map(decode(String.self)).compactMap { json in
                try? JSONDecoder().decode(BatchChange.self, from: Data(json.utf8))
            }
    }

    // MARK: Tickets

    public func ticket(id: UInt64) throws -> Ticket? {
        try database.query("SELECT \(Self.ticketColumns) FROM ticket WHERE id = $1", [.int(Int64(bitPattern: id))])
            .compactMap(Self.ticket(row:)).first
    }

    /// The ticket a scale already got for `req`, if any: a retried weighing gets it again.
    public func ticket(scale: DeviceKey, req: String) throws -> Ticket? {
        try database.query("SELECT \(Self.ticketColumns) FROM ticket WHERE site = $1 AND device = $2 AND req = $3",
                           [.text(scale.site.rawValue), .text(scale.device.rawValue), .text(req)])
            .compactMap(Self.ticket(row:)).first
    }

    public func tickets(batch: BatchID, limit: Int) throws -> [Ticket] {
        try database.query("SELECT \(Self.ticketColumns) FROM ticket WHERE batch = $1 ORDER BY issued_ms LIMIT $2",
                           [.text(batch.rawValue), .int(Int64(limit))]).compactMap(Self.ticket(row:))
    }

    public func sales(batch: BatchID) throws -> [StallSales] {
        // sum() of bigint is numeric in PostgreSQL: cast back to read it as an integer.
        try database.query("""
            SELECT stall, count(*), sum(grams)::bigint, sum(total_fen)::bigint FROM ticket
            WHERE batch = $1 GROUP BY stall ORDER BY stall
            """, [.text(batch.rawValue)]).map { row in
            let (stall, tickets, grams, fen) = try row.decode((String, Int, Int, Int).self)
            return StallSales(stall: stall, tickets: tickets, grams: grams, totalFen: fen)
        }
    }

    public func ticketCount(site: SiteID, since: EpochMillis) throws -> Int {
        try database.query("SELECT count(*) FROM ticket WHERE site = $1 AND issued_ms >= $2",
                           [.text(site.rawValue), .int(since)]).first.map(decode(Int.self)) ?? 0
    }

    // MARK: Rows

    /// Writes the batch and its history entry; false when `insert` met an existing id.
    private static func save(_ batch: Batch, change: BatchChange.Kind, actor: String, _ session: PostgresSession,
                             insert: Bool) throws -> Bool {
        let body = String(decoding: try encoder.encode(batch), as: UTF8.self)
        let history = String(decoding: try encoder.encode(BatchChange(kind: change, at: batch.updatedAt, actor: actor,
                                                                      batch: batch)), as: UTF8.self)
        let binds: [PostgresValue] = [.text(batch.id.rawValue), .text(batch.site.rawValue), PostgresValue(batch.stall),
                                      PostgresValue(batch.gtin), PostgresValue(batch.lot), .bool(batch.recall != nil),
                                      .int(batch.createdAt), .int(batch.updatedAt), .text(body)]
        let written = try session.execute("""
            INSERT INTO batch (id, site, stall, gtin, lot, recalled, created_ms, updated_ms, body)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (id) DO \(insert ? "NOTHING" : """
                UPDATE SET site = excluded.site, stall = excluded.stall, gtin = excluded.gtin, lot = excluded.lot,
                    recalled = excluded.recalled, created_ms = excluded.created_ms, updated_ms = excluded.updated_ms,
                    body = excluded.body
                """)
            """, binds)
        guard written == 1 else { return false }
        try session.execute("INSERT INTO batch_history (batch, at_ms, change, actor, body) VALUES ($1, $2, $3, $4, $5)",
                            [.text(batch.id.rawValue), .int(batch.updatedAt), .text(change.rawValue), .text(actor),
                             .text(history)])
        return true
    }

    private static func decodeBatch(_ json: String) -> Batch? {
        try? JSONDecoder().decode(Batch.self, from: Data(json.utf8))
    }

    static let ticketColumns = """
        id, code, trace_no, key_id, site, device, req, stall, batch, plu, item, grams, unit_price_fen, total_fen, issued_ms
        """

    static func ticket(row: PostgresRow) throws -> Ticket? {
        let c = Columns(row)
        guard let site = SiteID(try c("site", String.self)), let device = DeviceID(try c("device", String.self)),
              let batch = BatchID(try c("batch", String.self)) else { return nil }
        return Ticket(id: UInt64(bitPattern: try c("id", Int64.self)), code: try c("code"), traceNumber: try c("trace_no"),
                      keyID: try c("key_id"), scale: DeviceKey(site: site, device: device), req: try c("req"),
                      stall: try c("stall"), batch: batch, plu: try c("plu"), item: try c("item"), grams: try c("grams"),
                      unitPriceFen: try c("unit_price_fen"), totalFen: try c("total_fen"), issuedAt: try c("issued_ms"))
    }
}

extension PostgresStore: TicketKeyStore {
    public func ticketKeys() throws -> [String: TicketKeyRecord] {
        var records: [String: TicketKeyRecord] = [:]
        for row in try database.query("SELECT key_id, fingerprint, first_signed_ms FROM ticket_key") {
            let (id, fingerprint, first) = try row.decode((String, String, Int64).self)
            records[id] = TicketKeyRecord(keyID: id, fingerprint: fingerprint, firstSigned: first)
        }
        return records
    }

    public func hasTickets() throws -> Bool {
        try database.query("SELECT EXISTS (SELECT 1 FROM ticket)").first.map(decode(Bool.self)) ?? false
    }

    public func sampleTicketCodesByKey() throws -> [String: String] {
        var codes: [String: String] = [:]
        for row in try database.query("SELECT key_id, min(code) FROM ticket GROUP BY key_id") {
            let (id, code) = try row.decode((String, String).self)
            codes[id] = code
        }
        return codes
    }

    public func recordTicketKeys(_ records: [TicketKeyRecord]) throws {
        try database.transaction { session in
            for record in records { try PostgresBatchCommitter.insertTicketKey(record, session) }
        }
    }
}
