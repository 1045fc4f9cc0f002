import KitchenModel

/// `weigh`: a traceability scale asking for a ticket. Prices are integer fen so that no
/// rounding ever happens between scale, gateway and receipt.
enum WeighDecoder {
    static func decode(_ fields: FieldReader) throws(Rejection) -> WeighRequest {
        let req = try fields.string("req", .requestID)
        let stall = try fields.string("stall", .stall)
        let batch = try fields.string("batch", .batch)
        let plu = try fields.string("plu", .plu)
        let grams = try fields.int("grams", in: ProtocolRanges.grams)
        let price = try fields.int("unit_price_fen", in: ProtocolRanges.unitPriceFen)
        let receipt = try fields.optionalString("receipt", .receiptWidth)
        guard receipt == nil || WeighRequest.receiptWidths.contains(receipt!) else {
            throw Rejection(.outOfRange, "field 'receipt' must be one of "
                + WeighRequest.receiptWidths.sorted().map { "'\($0)'" }.joined(separator: ", "))
        }
        return WeighRequest(req: req, stall: stall, batch: batch, plu: plu, grams: Int(grams), unitPriceFen: Int(price),
                            receipt: receipt)
    }
}
