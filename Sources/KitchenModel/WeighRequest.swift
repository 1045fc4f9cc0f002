/// A scale's request for a ticket (PROTOCOL.md, "Weighing and tickets").
public struct WeighRequest: Hashable, Sendable, Codable {
    /// Unique per weighing; a retried request repeats it and must get the same ticket.
    public var req: String
    public var stall: String
    public var batch: String
    public var plu: String
    public var grams: Int
    public var unitPriceFen: Int
    /// Asks for ready-to-print ESC/POS receipt bytes in the reply: `58mm` or `80mm` paper.
    public var receipt: String?

    public static let receiptWidths: Set<String> = ["58mm", "80mm"]

    public init(req: String, stall: String, batch: String, plu: String, grams: Int, unitPriceFen: Int,
                receipt: String? = nil) {
        self.receipt = receipt
        self.req = req
        self.stall = stall
        self.batch = batch
        self.plu = plu
        self.grams = grams
        self.unitPriceFen = unitPriceFen
    }

    enum CodingKeys: String, CodingKey {
        case req, stall, batch, plu, grams, unitPriceFen = "unit_price_fen", receipt
    }
}
