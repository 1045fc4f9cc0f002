/// One sale: what the scale weighed, what it cost and which batch it came from. Minted
/// once per (scale, `req`); the code on the receipt leads back here.
public struct Ticket: Hashable, Sendable, Encodable {
    /// The random 63-bit ticket id that the code carries (signed) and the trace number spells out.
    public var id: UInt64
    public var code: String
    public var traceNumber: String
    public var keyID: String
    public var scale: DeviceKey
    public var req: String
    public var stall: String
    public var batch: BatchID
    public var plu: String
    public var item: String
    public var grams: Int
    /// Fen per kilogram.
    public var unitPriceFen: Int
    public var totalFen: Int
    public var issuedAt: EpochMillis

    public init(id: UInt64, code: String, traceNumber: String, keyID: String, scale: DeviceKey, req: String,
                stall: String, batch: BatchID, plu: String, item: String, grams: Int, unitPriceFen: Int,
                totalFen: Int, issuedAt: EpochMillis) {
        self.id = id
        self.code = code
        self.traceNumber = traceNumber
        self.keyID = keyID
        self.scale = scale
        self.req = req
        self.stall = stall
        self.batch = batch
        self.plu = plu
        self.item = item
        self.grams = grams
        self.unitPriceFen = unitPriceFen
        self.totalFen = totalFen
        self.issuedAt = issuedAt
    }

    enum CodingKeys: String, CodingKey {
        case code, traceNumber = "trace_no", keyID = "key_id", site, scale, req, stall, batch, plu, item, grams
        case unitPriceFen = "unit_price_fen", totalFen = "total_fen", issuedAt = "issued_at"
    }

    /// The id itself is left out: above 2^53 it would lose digits in JavaScript; `trace_no` spells it.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(traceNumber, forKey: .traceNumber)
        try c.encode(keyID, forKey: .keyID)
        try c.encode(scale.site, forKey: .site)
        try c.encode(scale.device, forKey: .scale)
        try c.encode(req, forKey: .req)
        try c.encode(stall, forKey: .stall)
        try c.encode(batch, forKey: .batch)
        try c.encode(plu, forKey: .plu)
        try c.encode(item, forKey: .item)
        try c.encode(grams, forKey: .grams)
        try c.encode(unitPriceFen, forKey: .unitPriceFen)
        try c.encode(totalFen, forKey: .totalFen)
        try c.encode(issuedAt, forKey: .issuedAt)
    }
}

/// A stall of a market and who trades there.
public struct Stall: Hashable, Sendable, Codable {
    public var id: String
    public var vendor: String

    public init(id: String, vendor: String) {
        self.id = id
        self.vendor = vendor
    }
}
