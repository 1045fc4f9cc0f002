import KitchenModel
import PostgresNIO
import StorageModel

extension PostgresStore: MarketRecordStore {
    public func putMarketRecord(_ record: MarketRecord) throws {
        try database.execute("""
            INSERT INTO market_record (site, kind, key, body, updated_ms) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (site, kind, key) DO UPDATE SET body = excluded.body, updated_ms = excluded.updated_ms
            """, [.text(record.site.rawValue), .text(record.kind.rawValue), .text(record.key), .text(record.body),
                  .int(record.updatedAt)])
    }

    public func marketRecord(site: SiteID, kind: MarketRecord.Kind, key: String) throws -> MarketRecord? {
        try database.query("SELECT key, body, updated_ms FROM market_record WHERE site = $1 AND kind = $2 AND key = $3",
                           [.text(site.rawValue), .text(kind.rawValue), .text(key)]).first.map { try Self.marketRecord($0, site, kind) }
    }

    public func marketRecords(site: SiteID, kind: MarketRecord.Kind) throws -> [MarketRecord] {
        try database.query("SELECT key, body, updated_ms FROM market_record WHERE site = $1 AND kind = $2 ORDER BY key",
                           [.text(site.rawValue), .text(kind.rawValue)]).map { try Self.marketRecord($0, site, kind) }
    }

    static func marketRecord(_ row: PostgresRow, _ site: SiteID, _ kind: MarketRecord.Kind) throws -> MarketRecord {
        let c = Columns(row)
        return MarketRecord(site: site, kind: kind, key: try c("key"), body: try c("body"), updatedAt: try c("updated_ms"))
    }
}
