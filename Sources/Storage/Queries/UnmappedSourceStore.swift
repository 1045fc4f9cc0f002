import GRDB
import KitchenModel
import StorageModel

extension Store {
    /// Adds `count`s to the stored ones and widens first/last seen; then keeps only the `keep`
    /// most recently seen sources, so made-up topics cannot grow the table without bound.
    public func recordUnmapped(_ records: [UnmappedSourceRecord], keep: Int) throws {
        try pool.write { db in
            for r in records {
                try db.execute(sql: """
                    INSERT INTO unmapped_source (family, source_id, count, first_seen_ms, last_seen_ms)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (family, source_id) DO UPDATE SET
                        count = count + excluded.count,
                        first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
                        last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)
                    """, arguments: [r.family, r.sourceID, r.count, r.firstSeen, r.lastSeen])
            }
            try db.execute(sql: """
                DELETE FROM unmapped_source WHERE (family, source_id) NOT IN
                    (SELECT family, source_id FROM unmapped_source ORDER BY last_seen_ms DESC LIMIT ?)
                """, arguments: [keep])
        }
    }

    /// Most recently seen first.
    public func unmappedSources() throws -> [UnmappedSourceRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM unmapped_source ORDER BY last_seen_ms DESC, family, source_id").map {
                UnmappedSourceRecord(family: $0["family"], sourceID: $0["source_id"], count: $0["count"],
                                     firstSeen: $0["first_seen_ms"], lastSeen: $0["last_seen_ms"])
            }
        }
    }

    /// Sources a registry device is now bound to.
    public func forgetUnmapped(_ sources: [(family: String, sourceID: String)]) throws {
        try pool.write { db in
            for source in sources {
                try db.execute(sql: "DELETE FROM unmapped_source WHERE family = ? AND source_id = ?",
                               arguments: [source.family, source.sourceID])
            }
        }
    }
}
