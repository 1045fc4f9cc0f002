import GRDB
import KitchenModel
import StorageModel

extension Store {
    public func appendLedgerEntries(_ drafts: [LedgerDraft], signingKey: TicketKeyRecord, signer: LedgerHeadSigner) throws
        -> [ChainEntry]
    {
        try pool.write { db in
            if !drafts.isEmpty { try Self.insertTicketKey(signingKey, db) }
            var chain = LedgerAppendState()
            for draft in drafts {
                guard LedgerChain.isValidKind(draft.kind) else { throw LedgerAppendError.invalidKind(draft.kind) }
                if chain.last[draft.site] == nil {
                    let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM ledger_entry WHERE site = ? ORDER BY seq DESC LIMIT 1",
                                               arguments: [draft.site.rawValue])
                    chain.last[draft.site] = row.map { (seq: $0["seq"], hash: $0["hash"]) } ?? (0, LedgerChain.genesis)
                }
                let entry = try chain.next(draft) { seq in
                    try Bool.fetchOne(db, sql: "SELECT 1 FROM ledger_entry WHERE site = ? AND seq = ?",
                                      arguments: [draft.site.rawValue, seq]) ?? false
                }
                try db.execute(sql: """
                    INSERT INTO ledger_entry (site, seq, kind, at_ms, recorded_ms, source, corrects, body, prev, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [entry.site.rawValue, entry.seq, entry.kind, entry.at, entry.recordedAt, entry.source,
                                     entry.corrects, entry.body, entry.prev, entry.hash])
            }
            for head in chain.heads(signer) {
                try db.execute(sql: """
                    INSERT INTO ledger_head (site, day, seq, hash, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (site, day) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
                      key_id = excluded.key_id, signature = excluded.signature
                    """, arguments: [head.site.rawValue, head.day, head.seq, head.hash, head.keyID, head.signature])
            }
            return chain.appended
        }
    }

    public func ledgerEntries(site: SiteID, fromSeq: Int64, limit: Int) throws -> [ChainEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ledger_entry WHERE site = ? AND seq >= ? ORDER BY seq LIMIT ?",
                             arguments: [site.rawValue, fromSeq, limit]).compactMap(Self.ledgerEntry)
        }
    }

    public func ledgerEntries(site: SiteID, since: EpochMillis, until: EpochMillis) throws -> [ChainEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ledger_entry WHERE site = ? AND at_ms >= ? AND at_ms < ? ORDER BY seq",
                             arguments: [site.rawValue, since, until]).compactMap(Self.ledgerEntry)
        }
    }

    public func ledgerEntries(site: SiteID, kind: String) throws -> [ChainEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ledger_entry WHERE site = ? AND kind = ? ORDER BY seq",
                             arguments: [site.rawValue, kind]).compactMap(Self.ledgerEntry)
        }
    }

    public func ledgerHeads(site: SiteID) throws -> [LedgerDayHead] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ledger_head WHERE site = ? ORDER BY day", arguments: [site.rawValue])
                .compactMap { row in
                    guard let site = SiteID(row["site"]) else { return nil }
                    return LedgerDayHead(site: site, day: row["day"], seq: row["seq"], hash: row["hash"], keyID: row["key_id"],
                                         signature: row["signature"])
                }
        }
    }

    public func ledgerSites() throws -> [SiteID] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT site FROM ledger_entry ORDER BY site").compactMap(SiteID.init)
        }
    }

    /// A row as stored; a site id that no longer parses is skipped (the verifier then sees a gap).
    static func ledgerEntry(_ row: Row) -> ChainEntry? {
        guard let site = SiteID(row["site"]) else { return nil }
        return ChainEntry(site: site, seq: row["seq"], kind: row["kind"], at: row["at_ms"], recordedAt: row["recorded_ms"],
                           source: row["source"], corrects: row["corrects"], body: row["body"], prev: row["prev"],
                           hash: row["hash"])
    }
}
