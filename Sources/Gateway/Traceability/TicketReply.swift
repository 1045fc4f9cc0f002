import Foundation
import KitchenModel
import KitchenRules

/// The `ticket` message a scale gets back for its `weigh` (PROTOCOL.md, "Weighing and tickets").
/// Typed and in a fixed key order: a dictionary through `JSONSerialization` with sorted keys
/// spent more time in locale-aware key sorting than the rest of the ticket path.
enum TicketReply {
    struct Issued: Encodable {
        var req: String
        var ok = true
        var code: String
        var url: String
        var traceNo: String
        var item: String
        var plu: String
        var stall: String
        var vendor: String?
        var batch: String
        var grams: Int
        var unitPriceFen: Int
        var totalFen: Int
        var issuedAt: EpochMillis
        var receiptB64: String?

        enum CodingKeys: String, CodingKey {
            case req, ok, code, url, traceNo = "trace_no", item, plu, stall, vendor, batch, grams
            case unitPriceFen = "unit_price_fen", totalFen = "total_fen", issuedAt = "issued_at", receiptB64 = "receipt_b64"
        }
    }

    struct Refused: Encodable {
        var req: String
        var ok = false
        var error: String
        var message: String
    }

    static func issued(_ ticket: Ticket, url: String, vendor: String?, receipt: [UInt8]?) -> [UInt8] {
        encode(Issued(req: ticket.req, code: ticket.code, url: url, traceNo: ticket.traceNumber, item: ticket.item,
                      plu: ticket.plu, stall: ticket.stall, vendor: vendor, batch: ticket.batch.rawValue,
                      grams: ticket.grams, unitPriceFen: ticket.unitPriceFen, totalFen: ticket.totalFen,
                      issuedAt: ticket.issuedAt, receiptB64: receipt.map { Data($0).base64EncodedString() }))
    }

    static func refused(req: String, _ refusal: SaleRefusal) -> [UInt8] {
        encode(Refused(req: req, error: refusal.rawValue, message: refusal.message))
    }

    private static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? Array(encoder.encode(value))) ?? Array(#"{"ok":false,"error":"internal"}"#.utf8)
    }
}
