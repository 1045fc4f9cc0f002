import Foundation

/// 承诺达标合格证: the producer's promise that a lot of farm produce meets the standards
/// (农业农村部令2025第4号, from 2026-02-01; DOMAIN.md, "Markets"). It names the product, quantity,
/// origin, the date issued, the issuer and a contact; the market keeps it with the batch ≥ 6 months.
public struct CommitmentCertificate: Hashable, Sendable, Codable {
    public var product: String
    public var quantity: Double
    public var unit: String
    public var origin: String
    /// `YYYY-MM-DD`.
    public var issuedOn: String
    public var issuer: String
    public var contact: String
    /// The certificate's own number, when it has one.
    public var number: String?
    /// The QR code's text as scanned, kept byte for byte; nil when typed in.
    public var qrText: String?

    public init(product: String, quantity: Double, unit: String, origin: String, issuedOn: String, issuer: String,
                contact: String, number: String? = nil, qrText: String? = nil) {
        self.product = product
        self.quantity = quantity
        self.unit = unit
        self.origin = origin
        self.issuedOn = issuedOn
        self.issuer = issuer
        self.contact = contact
        self.number = number
        self.qrText = qrText
    }

    enum CodingKeys: String, CodingKey {
        case product, quantity, unit, origin, issuer, contact, number
        case issuedOn = "issued_on", qrText = "qr_text"
    }
}

/// Why a certificate is refused for a batch.
public enum CertificateProblem: Error, Hashable, Sendable, CustomStringConvertible {
    case notACertificate
    case missingField(String)
    case badQuantity(String)
    case badDate(String)
    case otherProduct(certificate: String, batch: String)
    case otherQuantity(certificate: String, batch: String)

    public var description: String {
        switch self {
        case .notACertificate: "the QR text does not carry the words 承诺达标合格证, so it is no certificate"
        case .missingField(let field): "the certificate lacks \(field)"
        case .badQuantity(let text): "quantity '\(text.prefix(32))' is not a positive number with a unit, e.g. 50kg"
        case .badDate(let text): "date issued '\(text.prefix(32))' is not a date YYYY-MM-DD"
        case .otherProduct(let certificate, let batch):
            "the certificate is for \(certificate), the batch is \(batch): mixed or repacked produce needs its own certificate"
        case .otherQuantity(let certificate, let batch):
            "the certificate covers \(certificate), the batch is \(batch): mixed or repacked produce needs its own certificate"
        }
    }
}

extension CommitmentCertificate {
    /// Reads the QR text of a certificate: `key：value` lines (full- or half-width colon) under the
    /// title 承诺达标合格证, the form the provincial templates print. Keys accepted for each field
    /// are listed in `keys`; unknown lines are ignored (templates add their own).
    public static func parse(qrText text: String) throws(CertificateProblem) -> CommitmentCertificate {
        guard text.contains("承诺达标合格证") else { throw .notACertificate }
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" }) else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty, let field = keys.first(where: { $0.value.contains(key) })?.key, fields[field] == nil else { continue }
            fields[field] = value
        }
        func required(_ field: String) throws(CertificateProblem) -> String {
            guard let value = fields[field] else { throw .missingField(field) }
            return value
        }
        let (quantity, unit) = try Self.quantity(try required("quantity"))
        let issued = try required("issued_on")
        guard let date = CivilDate(parsing: issued.replacingOccurrences(of: "/", with: "-")) else { throw .badDate(issued) }
        return CommitmentCertificate(product: try required("product"), quantity: quantity, unit: unit,
                                     origin: try required("origin"), issuedOn: date.description, issuer: try required("issuer"),
                                     contact: try required("contact"), number: fields["number"], qrText: text)
    }

    /// The keys each field goes by on the templates in use.
    static let keys: [String: Set<String>] = [
        "product": ["食用农产品名称", "产品名称", "品名"],
        "quantity": ["数量（重量）", "数量(重量)", "数量", "重量"],
        "origin": ["产地"],
        "issued_on": ["开具日期", "开证日期", "日期"],
        "issuer": ["生产者", "生产者名称", "开具者", "生产者盖章或签名"],
        "contact": ["联系方式", "联系电话"],
        "number": ["编号", "合格证编号"],
    ]

    /// `50kg`, `50 公斤`, `12.5千克`: the number and what follows it.
    static func quantity(_ text: String) throws(CertificateProblem) -> (Double, String) {
        let digits = text.prefix { $0.isNumber || $0 == "." }
        let unit = text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let value = Double(digits), value > 0, value.isFinite, !unit.isEmpty else { throw .badQuantity(text) }
        return (value, unit)
    }

    /// Kilograms per unit for the units a batch or certificate is written in; nil for a count (箱, 件).
    static func kilograms(per unit: String) -> Double? {
        switch unit.lowercased() {
        case "kg", "千克", "公斤": 1
        case "g", "克": 0.001
        case "斤": 0.5
        case "t", "吨": 1000
        default: nil
        }
    }

    /// Refuses a certificate for another product or another quantity than the batch's: a
    /// certificate goes with one lot as issued.
    public func check(against batch: Batch) throws(CertificateProblem) {
        guard product.trimmingCharacters(in: .whitespaces) == batch.item.trimmingCharacters(in: .whitespaces) else {
            throw .otherProduct(certificate: product, batch: batch.item)
        }
        let same: Bool
        if let a = Self.kilograms(per: unit), let b = Self.kilograms(per: batch.unit) {
            same = abs(quantity * a - batch.quantity * b) <= 0.005 * max(quantity * a, batch.quantity * b)
        } else {
            same = unit == batch.unit && quantity == batch.quantity
        }
        guard same else {
            throw .otherQuantity(certificate: "\(Self.format(quantity)) \(unit)", batch: "\(Self.format(batch.quantity)) \(batch.unit)")
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
