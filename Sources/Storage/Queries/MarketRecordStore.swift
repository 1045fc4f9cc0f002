import GRDB
import KitchenModel
import StorageModel

extension Store {
    public func putMarketRecord(_ record: MarketRecord) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO market_record (site, kind, key, body, updated_ms) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (site, kind, key) DO UPDATE SET body = excluded.body, updated_ms = excluded.updated_ms
                """, arguments: [record.site.rawValue, record.kind.rawValue, record.key, record.body, record.updatedAt])
        }
    }

    public func marketRecord(site: SiteID, kind: MarketRecord.Kind, key: String) throws -> MarketRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT key, body, updated_ms FROM market_record WHERE site = ? AND kind = ? AND key = ?",
                             arguments: [site.rawValue, kind.rawValue, key])
                .map { MarketRecord(site: site, kind: kind, key: $0["key"], body: $0["body"], updatedAt: $0["updated_ms"]) }
        }
    }

    public func marketRecords(site: SiteID, kind: MarketRecord.Kind) throws -> [MarketRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT key, body, updated_ms FROM market_record WHERE site = ? AND kind = ? ORDER BY key",
                             arguments: [site.rawValue, kind.rawValue])
                .map { MarketRecord(site: site, kind: kind, key: $0["key"], body: $0["body"], updatedAt: $0["updated_ms"]) }
        }
    }
}
