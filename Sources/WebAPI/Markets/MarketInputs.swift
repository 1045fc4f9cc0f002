import Foundation
import KitchenModel

/// `PUT /api/v1/sites/{id}/stall-holders/{holder}`: a stall holder's file as typed in.
struct StallHolderInput: Decodable {
    var stall: String?
    var name: String?
    var contact: String?
    var idNumber: String?
    var address: String?
    var produce: [String]?
    var channels: [String]?
    var origin: String?
    var startedOn: String?
    var stoppedOn: String?

    enum CodingKeys: String, CodingKey {
        case stall, name, contact, address, produce, channels, origin
        case idNumber = "id_number", startedOn = "started_on", stoppedOn = "stopped_on"
    }

    static func isHolderID(_ id: String) -> Bool {
        (1...32).contains(id.utf8.count) && id.utf8.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F
        }
    }

    func holder(id: String, site: SiteConfig) throws -> StallHolder {
        guard Self.isHolderID(id) else { throw APIError.badRequest("holder id '\(id.prefix(40))' must be 1-32 characters of a-z 0-9 - _") }
        let stall = try TypedText.required(stall, field: "stall", characters: 16)
        guard site.stalls.isEmpty || site.stall(stall) != nil else {
            throw APIError.badRequest("stall '\(stall)' is not a stall of \(site.id)")
        }
        guard let idNumber, idNumber.utf8.count == 18,
              idNumber.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }) else {
            throw APIError.badRequest("id_number must be an 18-character credit code or ID number (0-9 A-Z)")
        }
        let started = try Self.date(startedOn, "started_on")
        let stopped = try stoppedOn.map { try Self.date($0, "stopped_on") }
        if let stopped, stopped < started { throw APIError.badRequest("stopped_on is before started_on") }
        return StallHolder(id: id, stall: stall, name: try TypedText.required(name, field: "name", characters: 32),
                           contact: try TypedText.required(contact, field: "contact", characters: 32), idNumber: idNumber,
                           address: try TypedText.required(address, field: "address", characters: 100),
                           produce: try TypedText.list(produce, field: "produce", count: 20, characters: 16),
                           channels: try TypedText.list(channels, field: "channels", count: 10, characters: 64),
                           origin: try TypedText.optional(origin, field: "origin", characters: 64),
                           startedOn: started, stoppedOn: stopped)
    }

    static func date(_ text: String?, _ field: String) throws -> String {
        guard let text, let date = CivilDate(parsing: text), date.year >= 2000 else {
            throw APIError.badRequest("\(field) must be a date YYYY-MM-DD")
        }
        return date.description
    }
}

/// `PUT /api/v1/sites/{id}/rapid-tests/{day}`.
struct RapidTestPlanInput: Decodable {
    struct Line: Decodable {
        var item: String?
        var tests: [String]?
    }

    var lines: [Line]?

    func plan(day: String, by: String) throws -> RapidTestPlan {
        guard let lines, !lines.isEmpty, lines.count <= 100 else { throw APIError.badRequest("lines must list 1-100 items to test") }
        var seen: Set<String> = []
        let checked = try lines.map { line -> RapidTestPlan.Line in
            let item = try TypedText.required(line.item, field: "item", characters: 64)
            guard seen.insert(item).inserted else { throw APIError.badRequest("item '\(item)' is planned twice") }
            let tests = try TypedText.list(line.tests, field: "tests", count: 10, characters: 64)
            guard !tests.isEmpty else { throw APIError.badRequest("item '\(item)' has no test") }
            return RapidTestPlan.Line(item: item, tests: tests)
        }
        return RapidTestPlan(day: day, lines: checked, by: by)
    }
}

/// `POST /api/v1/batches/{id}/certificate`: the QR text as scanned, or the fields typed in.
struct CertificateInput: Decodable {
    var qrText: String?
    var product: String?
    var quantity: Double?
    var unit: String?
    var origin: String?
    var issuedOn: String?
    var issuer: String?
    var contact: String?
    var number: String?

    enum CodingKeys: String, CodingKey {
        case product, quantity, unit, origin, issuer, contact, number
        case qrText = "qr_text", issuedOn = "issued_on"
    }

    func certificate() throws -> CommitmentCertificate {
        if let qrText {
            try TypedText.check(qrText.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " "),
                                field: "qr_text", characters: 1_000)
            do { return try CommitmentCertificate.parse(qrText: qrText) } catch {
                throw APIError(.unprocessableContent, "not_a_certificate", error.description)
            }
        }
        guard let quantity, quantity > 0, quantity.isFinite else { throw APIError.badRequest("quantity must be a positive number") }
        return CommitmentCertificate(product: try TypedText.required(product, field: "product", characters: 64), quantity: quantity,
                                     unit: try TypedText.required(unit, field: "unit", characters: 8),
                                     origin: try TypedText.required(origin, field: "origin", characters: 64),
                                     issuedOn: try StallHolderInput.date(issuedOn, "issued_on"),
                                     issuer: try TypedText.required(issuer, field: "issuer", characters: 64),
                                     contact: try TypedText.required(contact, field: "contact", characters: 32),
                                     number: try TypedText.optional(number, field: "number", characters: 32))
    }
}
