import KitchenModel
import PostgresNIO
import StorageModel

extension PostgresStore: LedgerEntryStore {
    /// pg_advisory_xact_lock's first key for ledger appends ("bkLe"); the second is the site's hash,
    /// so two gateways appending to one site take turns instead of both claiming the same seq.
    static let ledgerLockKey: Int32 = 0x626B_4C65

    public func appendLedgerEntries(_ drafts: [LedgerDraft], signingKey: TicketKeyRecord, signer: LedgerHeadSigner) throws
        -> [ChainEntry]
    {
        try database.transaction { session in
            if !drafts.isEmpty { try PostgresBatchCommitter.insertTicketKey(signingKey, session) }
            var chain = LedgerAppendState()
            for draft in drafts {
                guard LedgerChain.isValidKind(draft.kind) else { throw LedgerAppendError.invalidKind(draft.kind) }
                if chain.last[draft.site] == nil {
                    try session.execute("SELECT pg_advisory_xact_lock(\(Self.ledgerLockKey), hashtext($1))",
                                        [.text(draft.site.rawValue)])
                    let tail = try session.query("SELECT seq, hash FROM ledger_entry WHERE site = $1 ORDER BY seq DESC LIMIT 1",
                                                 [.text(draft.site.rawValue)]).first
                    chain.last[draft.site] = try tail.map { row in
                        let c = Columns(row)
                        return (seq: try c("seq", Int64.self), hash: try c("hash", String.self))
                    } ?? (0, LedgerChain.genesis)
                }
                let entry = try chain.next(draft) { seq in
                    try !session.query("SELECT 1 FROM ledger_entry WHERE site = $1 AND seq = $2",
                                       [.text(draft.site.rawValue), .int(seq)]).isEmpty
                }
                try session.execute("""
                    INSERT INTO ledger_entry (site, seq, kind, at_ms, recorded_ms, source, corrects, body, prev, hash)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    """, [.text(entry.site.rawValue), .int(entry.seq), .text(entry.kind), .int(entry.at), .int(entry.recordedAt),
                          .text(entry.source), PostgresValue(entry.corrects), .text(entry.body), .text(entry.prev),
                          .text(entry.hash)])
            }
            for head in chain.heads(signer) {
                try session.execute("""
                    INSERT INTO ledger_head (site, day, seq, hash, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (site, day) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
                      key_id = excluded.key_id, signature = excluded.signature
                    """, [.text(head.site.rawValue), .text(head.day), .int(head.seq), .text(head.hash), .text(head.keyID),
                          .text(head.signature)])
            }
            return chain.appended
        }
    }

    static let ledgerColumns = "site, seq, kind, at_ms, recorded_ms, source, corrects, body, prev, hash"

    public func ledgerEntries(site: SiteID, fromSeq: Int64, limit: Int) throws -> [ChainEntry] {
        try database.query("SELECT \(Self.ledgerColumns) FROM ledger_entry WHERE site = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
                           [.text(site.rawValue), .int(fromSeq), .int(Int64(limit))]).compactMap(Self.ledgerEntry)
    }

    public func ledgerEntries(site: SiteID, since: EpochMillis, until: EpochMillis) throws -> [ChainEntry] {
        try database.query("""
            SELECT \(Self.ledgerColumns) FROM ledger_entry WHERE site = $1 AND at_ms >= $2 AND at_ms < $3 ORDER BY seq
            """, [.text(site.rawValue), .int(since), .int(until)]).compactMap(Self.ledgerEntry)
    }

    public func ledgerEntries(site: SiteID, kind: String) throws -> [ChainEntry] {
        try database.query("SELECT \(Self.ledgerColumns) FROM ledger_entry WHERE site = $1 AND kind = $2 ORDER BY seq",
                           [.text(site.rawValue), .text(kind)]).compactMap(Self.ledgerEntry)
    }

    public func ledgerHeads(site: SiteID) throws -> [LedgerDayHead] {
        try database.query("SELECT site, day, seq, hash, key_id, signature FROM ledger_head WHERE site = $1 ORDER BY day",
                           [.text(site.rawValue)]).compactMap { row in
            let c = Columns(row)
            guard let site = SiteID(try c("site", String.self)) else { return nil }
            return LedgerDayHead(site: site, day: try c("day"), seq: try c("seq"), hash: try c("hash"), keyID: try c("key_id"),
                                 signature: try c("signature"))
        }
    }

    public func ledgerSites() throws -> [SiteID] {
        try database.query("SELECT DISTINCT site FROM ledger_entry ORDER BY site").compactMap { row in
            SiteID(try Columns(row)("site", String.self))
        }
    }

    static func ledgerEntry(_ row: PostgresRow) throws -> ChainEntry? {
        let c = Columns(row)
        guard let site = SiteID(try c("site", String.self)) else { return nil }
        return ChainEntry(site: site, seq: try c("seq"), kind: try c("kind"), at: try c("at_ms"), recordedAt: try c("recorded_ms"),
                           source: try c("source"), corrects: try c("corrects"), body: try c("body"), prev: try c("prev"),
                           hash: try c("hash"))
    }
}
