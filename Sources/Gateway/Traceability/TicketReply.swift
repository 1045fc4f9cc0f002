import Foundation
import KitchenModel
import KitchenRules

/// The `ticket` message a scale gets back for its `weigh` (PROTOCOL.md, "Weighing and tickets").
enum TicketReply {
    static func issued(_ ticket: Ticket, url: String, vendor: String?, receipt: [UInt8]?) -> [UInt8] {
        var fields: [String: Any] = [
            "req": ticket.req, "ok": true, "code": ticket.code, "url": url, "trace_no": ticket.traceNumber,
            "item": ticket.item, "plu": ticket.plu, "stall": ticket.stall, "batch": ticket.batch.rawValue,
            "grams": ticket.grams, "unit_price_fen": ticket.unitPriceFen, "total_fen": ticket.totalFen,
            "issued_at": ticket.issuedAt,
        ]
        if let vendor { fields["vendor"] = vendor }
        if let receipt { fields["receipt_b64"] = Data(receipt).base64EncodedString() }
        return encode(fields)
    }

    static func refused(req: String, _ refusal: SaleRefusal) -> [UInt8] {
        encode(["req": req, "ok": false, "error": refusal.rawValue, "message": refusal.message])
    }

    private static func encode(_ fields: [String: Any]) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data(#"{"ok":false,"error":"internal"}"#.utf8)
        return Array(data)
    }
}
