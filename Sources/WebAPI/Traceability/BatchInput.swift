import Foundation
import KitchenModel
import Reports

/// The body of `POST /api/v1/sites/{site}/batches`, checked field by field so a market
/// clerk gets told exactly what is wrong.
struct BatchInput: Decodable {
    var id: String?
    var stall: String?
    var item: String?
    var category: String?
    var quantity: Double?
    var unit: String?
    var supplier: SupplierInput?
    var origin: OriginInput?
    var arrivalDate: String?
    var gtin: String?
    var lot: String?
    var inspection: InspectionInput?

    struct SupplierInput: Decodable {
        var name: String?
        var licence: String?
    }

    struct OriginInput: Decodable {
        var place: String?
        var producer: String?
        var regionCode: String?

        enum CodingKeys: String, CodingKey { case place, producer, regionCode = "region_code" }
    }

    enum CodingKeys: String, CodingKey {
        case id, stall, item, category, quantity, unit, supplier, origin, arrivalDate = "arrival_date", gtin, lot, inspection
    }

    func batch(site: SiteConfig, now: EpochMillis, newID: () -> String) throws -> Batch {
        let idText = id ?? newID()
        guard let batchID = BatchID(idText) else {
            throw APIError.badRequest("id '\(idText.prefix(64))' must be 1-64 characters of A-Z a-z 0-9 . _ - :")
        }
        let stall = try TypedText.optional(stall, field: "stall", characters: 16)
        if let stall, site.stall(stall) == nil, !site.stalls.isEmpty {
            throw APIError.badRequest("stall '\(stall)' is not a stall of \(site.id)")
        }
        let item = try Self.text(item, "item", max: 64)
        let category = try Self.text(category, "category", max: 32)
        guard let quantity, quantity.isFinite, quantity > 0, quantity <= 1_000_000 else {
            throw APIError.badRequest("quantity must be a number above 0 and at most 1000000")
        }
        let unit = try Self.text(unit, "unit", max: 16)
        guard let supplier else { throw APIError.badRequest("supplier {name, licence} is required") }
        guard let origin else { throw APIError.badRequest("origin {place, producer, region_code} is required") }
        if let code = origin.regionCode, code.utf8.count != 6 || !code.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            throw APIError.badRequest("origin.region_code must be a 6-digit division code")
        }
        let arrival = try Self.text(arrivalDate, "arrival_date", max: 10)
        guard Self.isDate(arrival), let arrivalDay = ReportCalendar.china.day(arrival) else {
            throw APIError.badRequest("arrival_date must be YYYY-MM-DD")
        }
        if let gtin, !GTIN.isValid(gtin) {
            throw APIError.badRequest("gtin must be 8, 12, 13 or 14 digits with a valid check digit")
        }
        if lot != nil && gtin == nil { throw APIError.badRequest("lot needs a gtin (GS1: /01/{gtin}/10/{lot})") }
        if let lot, lot.isEmpty || lot.utf8.count > 20 || !lot.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0 != "/" }) {
            throw APIError.badRequest("lot must be 1-20 printable ASCII characters without '/'")
        }
        return Batch(id: batchID, site: site.id, stall: stall, item: item, category: category, quantity: quantity,
                     unit: unit,
                     supplier: Supplier(name: try Self.text(supplier.name, "supplier.name", max: 64),
                                        licence: try Self.text(supplier.licence, "supplier.licence", max: 32)),
                     origin: Origin(place: try Self.text(origin.place, "origin.place", max: 64),
                                    producer: try origin.producer.map { try Self.text($0, "origin.producer", max: 64) },
                                    regionCode: origin.regionCode),
                     arrivalDate: arrival, gtin: gtin.map(GTIN.normalized), lot: lot,
                     inspection: try inspection.map { try $0.inspection(now: now, arrivedAt: arrivalDay.start) },
                     createdAt: now, updatedAt: now)
    }

    /// A required one-line text of at most `max` characters (and `max × 4` bytes), trimmed.
    static func text(_ value: String?, _ field: String, max: Int) throws -> String {
        try TypedText.required(value, field: field, characters: max)
    }

    static func isDate(_ text: String) -> Bool {
        CivilDate(parsing: text).map { (2000...2100).contains($0.year) } ?? false
    }
}

/// `inspection` in a new batch, or the body of `POST /api/v1/batches/{id}/inspections`.
struct InspectionInput: Decodable {
    var method: String?
    var passed: Bool?
    var items: [String]?
    var tester: String?
    var voucherNumber: String?
    var at: EpochMillis?

    enum CodingKeys: String, CodingKey {
        case method, passed, items, tester, voucherNumber = "voucher_number", at
    }

    /// How far ahead of the gateway's clock an inspection time may lie (a tester's phone
    /// running fast), in milliseconds.
    static let clockSkew: EpochMillis = 5 * 60_000
    static let maxItems = 20

    /// The inspection this body describes; its time must lie between the start of the batch's
    /// arrival day (`arrivedAt`) and now (plus `clockSkew`): a re-inspection back-dated to 1970
    /// would rewrite what the ticket page tells a consumer about when the food was checked.
    func inspection(now: EpochMillis, arrivedAt: EpochMillis) throws -> Inspection {
        guard let methodText = method, let method = Inspection.Method(rawValue: methodText) else {
            throw APIError.badRequest("inspection.method must be rapid_test or voucher")
        }
        guard let passed else { throw APIError.badRequest("inspection.passed (true or false) is required") }
        let at = at ?? now
        guard at <= now + Self.clockSkew else {
            throw APIError.badRequest("inspection.at lies in the future (more than 5 minutes ahead of the gateway's clock)")
        }
        guard at >= arrivedAt else {
            throw APIError.badRequest("inspection.at lies before the batch arrived (\(ReportCalendar.china.timestamp(arrivedAt)))")
        }
        switch method {
        case .rapidTest:
            let items = try TypedText.list(items, field: "inspection.items", count: Self.maxItems, characters: 64)
                .map { try BatchInput.text($0, "inspection.items[]", max: 64) }
            guard !items.isEmpty else { throw APIError.badRequest("a rapid test names what it tested in inspection.items") }
            let tester = try BatchInput.text(tester, "inspection.tester", max: 32)
            return Inspection(method: .rapidTest, passed: passed, items: items, tester: tester, at: at)
        case .voucher:
            let number = try BatchInput.text(voucherNumber, "inspection.voucher_number", max: 64)
            let tester = try TypedText.optional(tester, field: "inspection.tester", characters: 32)
            return Inspection(method: .voucher, passed: passed, tester: tester, voucherNumber: number, at: at)
        }
    }
}

/// GS1 GTIN: 8, 12, 13 or 14 digits, mod-10 check digit; kept as GTIN-14 so lookups match.
enum GTIN {
    static func isValid(_ text: String) -> Bool {
        guard [8, 12, 13, 14].contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        let digits = text.compactMap(\.wholeNumberValue)
        let body = digits.dropLast()
        // Weights 3,1,3,1... from the right of the body.
        let sum = body.reversed().enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 3 : 1) }
        return (10 - sum % 10) % 10 == digits.last
    }

    static func normalized(_ text: String) -> String {
        String(repeating: "0", count: max(0, 14 - text.count)) + text
    }
}
