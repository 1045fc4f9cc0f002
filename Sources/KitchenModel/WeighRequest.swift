/// A scale's request for a ticket (PROTOCOL.md, "Weighing and tickets").
public struct WeighRequest: Hashable, Sendable, Codable {
    /// Unique per weighing; a retried request repeats it and must get the same ticket.
    public var req: String
    public var stall: String
    public var batch: String
    public var plu: String
    public var grams: Int
    public var unitPriceFen: Int

    public init(req: String, stall: String, batch: String, plu: String, grams: Int, unitPriceFen: Int) {
        self.req = req
        self.stall = stall
        self.batch = batch
        self.plu = plu
        self.grams = grams
        self.unitPriceFen = unitPriceFen
    }

    enum CodingKeys: String, CodingKey {
        case req, stall, batch, plu, grams, unitPriceFen = "unit_price_fen"
    }
}
