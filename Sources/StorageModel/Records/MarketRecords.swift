import KitchenModel

/// A market's own records (令81, docs/markets.md): stall-holder files and each day's rapid-test plan,
/// one JSON body per (site, kind, key), replaced when updated. None is deleted by retention: a
/// stall-holder file is kept at least 6 months after the holder stops selling, so the gateway
/// keeps them all.
public struct MarketRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Key: the holder's id within the market.
        case stallHolder = "stall_holder"
        /// Key: the day, `YYYY-MM-DD`.
        case testPlan = "test_plan"
    }

    public var site: SiteID
    public var kind: Kind
    public var key: String
    public var body: String
    public var updatedAt: EpochMillis

    public init(site: SiteID, kind: Kind, key: String, body: String, updatedAt: EpochMillis) {
        self.site = site
        self.kind = kind
        self.key = key
        self.body = body
        self.updatedAt = updatedAt
    }
}

public protocol MarketRecordStore: AnyObject, Sendable {
    /// Inserts or replaces the record of the same site, kind and key.
    func putMarketRecord(_ record: MarketRecord) throws
    func marketRecord(site: SiteID, kind: MarketRecord.Kind, key: String) throws -> MarketRecord?
    /// Ordered by key.
    func marketRecords(site: SiteID, kind: MarketRecord.Kind) throws -> [MarketRecord]
}
