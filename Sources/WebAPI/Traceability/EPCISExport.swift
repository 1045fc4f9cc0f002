import Foundation
import KitchenModel
import StorageModel

/// A batch's chain as a GS1 EPCIS 2.0 JSON-LD document: `receiving` when it arrived,
/// `inspecting` for every inspection (conformant or not), a `recalled` disposition if it
/// was withdrawn, and one `retail_selling` event per ticket.
enum EPCISExport {
    static func document(batch: Batch, history: [BatchChange], tickets: [Ticket], now: EpochMillis) -> [UInt8] {
        let epcClass = epcClass(of: batch)
        let readPoint = ["id": "urn:brightkitchen:site:\(batch.site)"]
        // One formatter per document: a batch can have tens of thousands of sales events.
        let formatter = isoFormatter()
        func isoTime(_ ms: EpochMillis) -> String { formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)) }
        func event(_ at: EpochMillis, action: String, bizStep: String, disposition: String?,
                   quantity: Double?, uom: String?, extra: [String: Any] = [:]) -> [String: Any] {
            var e: [String: Any] = [
                "type": "ObjectEvent", "eventTime": isoTime(at), "eventTimeZoneOffset": "+08:00", "action": action,
                "bizStep": bizStep, "readPoint": readPoint, "bizLocation": readPoint,
            ]
            if let disposition { e["disposition"] = disposition }
            var item: [String: Any] = ["epcClass": epcClass]
            if let quantity { item["quantity"] = quantity }
            if let uom { item["uom"] = uom }
            e["quantityList"] = [item]
            return e.merging(extra) { a, _ in a }
        }
        var events: [[String: Any]] = []
        let (quantity, uom) = measure(batch.quantity, unit: batch.unit)
        events.append(event(batch.createdAt, action: "ADD", bizStep: "receiving", disposition: "in_progress",
                            quantity: quantity, uom: uom, extra: [
                                "sourceList": [["type": "owning_party",
                                                "source": "urn:brightkitchen:supplier:\(batch.supplier.licence)"]],
                                "bk:supplier": batch.supplier.name, "bk:origin": batch.origin.place,
                            ]))
        let inspections = history.compactMap { change -> Inspection? in
            change.kind == .recalled ? nil : change.batch.inspection
        }
        var seen = Set<Inspection>()
        for inspection in inspections where seen.insert(inspection).inserted {
            events.append(event(inspection.at, action: "OBSERVE", bizStep: "inspecting",
                                disposition: inspection.passed ? "conformant" : "non_conformant",
                                quantity: nil, uom: nil, extra: ["bk:method": inspection.method.rawValue]))
        }
        if let recall = batch.recall {
            events.append(event(recall.at, action: "OBSERVE", bizStep: "holding", disposition: "recalled",
                                quantity: nil, uom: nil, extra: ["bk:reason": recall.reason]))
        }
        for ticket in tickets {
            events.append(event(ticket.issuedAt, action: "OBSERVE", bizStep: "retail_selling", disposition: "retail_sold",
                                quantity: Double(ticket.grams) / 1000, uom: "KGM", extra: [
                                    "bk:stall": ticket.stall, "bk:traceNumber": ticket.traceNumber,
                                ]))
        }
        let document: [String: Any] = [
            "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
                         ["bk": "https://brightkitchen.example/epcis/"]],
            "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": isoTime(now),
            "epcisBody": ["eventList": events.sorted { ($0["eventTime"] as! String) < ($1["eventTime"] as! String) }],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return Array(data)
    }

    /// GS1 Digital Link for a GTIN + lot (allowed as an EPC class in EPCIS 2.0); otherwise our own URN.
    static func epcClass(of batch: Batch) -> String {
        if let gtin = batch.gtin, let lot = batch.lot {
            return "https://id.gs1.org/01/\(gtin)/10/\(lot.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? lot)"
        }
        return "urn:brightkitchen:batch:\(batch.site):\(batch.id)"
    }

    /// UN/CEFACT Rec. 20 codes for the units markets use; 斤 (500 g) becomes kilograms.
    static func measure(_ quantity: Double, unit: String) -> (Double, String?) {
        switch unit.lowercased() {
        case "kg", "千克", "公斤": (quantity, "KGM")
        case "g", "克": (quantity, "GRM")
        case "斤": (quantity / 2, "KGM")
        case "t", "吨": (quantity, "TNE")
        case "l", "升": (quantity, "LTR")
        case "个", "只", "件", "piece", "pcs": (quantity, "H87")
        default: (quantity, nil)
        }
    }

    static func isoFormatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
