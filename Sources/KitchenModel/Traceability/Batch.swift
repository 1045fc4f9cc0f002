/// Who delivered a batch: name and business licence (统一社会信用代码 or 食品经营许可证 number).
public struct Supplier: Hashable, Sendable, Codable {
    public var name: String
    public var licence: String

    public init(name: String, licence: String) {
        self.name = name
        self.licence = licence
    }
}

/// Where the produce was grown or made.
public struct Origin: Hashable, Sendable, Codable {
    public var place: String
    /// Producer, farm or production base.
    public var producer: String?
    /// Administrative division code of the place of origin.
    public var regionCode: String?

    public init(place: String, producer: String? = nil, regionCode: String? = nil) {
        self.place = place
        self.producer = producer
        self.regionCode = regionCode
    }

    enum CodingKeys: String, CodingKey {
        case place, producer, regionCode = "region_code"
    }
}

/// 进货查验: the market's check of an incoming batch, by a rapid test (快检) or on the
/// strength of the producer's 承诺达标合格证 voucher.
public struct Inspection: Hashable, Sendable, Codable {
    public enum Method: String, Hashable, Sendable, Codable, CaseIterable {
        case rapidTest = "rapid_test"
        case voucher
    }

    public var method: Method
    public var passed: Bool
    /// What a rapid test checked, e.g. 有机磷和氨基甲酸酯类农药残留.
    public var items: [String]
    public var tester: String?
    public var voucherNumber: String?
    public var at: EpochMillis

    public init(method: Method, passed: Bool, items: [String] = [], tester: String? = nil,
                voucherNumber: String? = nil, at: EpochMillis) {
        self.method = method
        self.passed = passed
        self.items = items
        self.tester = tester
        self.voucherNumber = voucherNumber
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case method, passed, items, tester, voucherNumber = "voucher_number", at
    }
}

/// A batch withdrawn from sale, and why.
public struct Recall: Hashable, Sendable, Codable {
    public var reason: String
    public var by: String
    public var at: EpochMillis

    public init(reason: String, by: String, at: EpochMillis) {
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// One incoming batch of produce at a market (进货查验记录).
public struct Batch: Hashable, Sendable, Codable {
    public var id: BatchID
    public var site: SiteID
    /// Set when the batch belongs to one stall; nil when any stall of the market sells from it.
    public var stall: String?
    public var item: String
    public var category: String
    public var quantity: Double
    public var unit: String
    public var supplier: Supplier
    public var origin: Origin
    /// `YYYY-MM-DD`, local date of arrival.
    public var arrivalDate: String
    public var gtin: String?
    public var lot: String?
    /// The latest inspection; earlier ones stay in the batch's history.
    public var inspection: Inspection?
    public var recall: Recall?
    /// The producer's 承诺达标合格证 kept with the batch, when the market has it.
    public var certificate: CommitmentCertificate?
    public var createdAt: EpochMillis
    public var updatedAt: EpochMillis

    public init(id: BatchID, site: SiteID, stall: String? = nil, item: String, category: String, quantity: Double,
                unit: String, supplier: Supplier, origin: Origin, arrivalDate: String, gtin: String? = nil,
                lot: String? = nil, inspection: Inspection? = nil, recall: Recall? = nil, createdAt: EpochMillis,
                updatedAt: EpochMillis) {
        self.id = id
        self.site = site
        self.stall = stall
        self.item = item
        self.category = category
        self.quantity = quantity
        self.unit = unit
        self.supplier = supplier
        self.origin = origin
        self.arrivalDate = arrivalDate
        self.gtin = gtin
        self.lot = lot
        self.inspection = inspection
        self.recall = recall
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, site, stall, item, category, quantity, unit, supplier, origin
        case arrivalDate = "arrival_date", gtin, lot, inspection, recall, certificate
        case createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// Batch ids are typed into scales and printed on delivery notes: short, no spaces,
/// nothing that needs escaping in a URL path.
public struct BatchID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: String

    /// Returns nil unless `rawValue` is 1–64 characters of `A-Z a-z 0-9 . _ - :`.
    public init?(_ rawValue: String) {
        guard !rawValue.isEmpty, rawValue.utf8.count <= 64,
              rawValue.utf8.allSatisfy({ b in
                  (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
                      || b == 0x2E || b == 0x5F || b == 0x2D || b == 0x3A
              }), rawValue != ".", rawValue != ".."
        else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let id = BatchID(raw) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "batch id '\(raw)' must be 1-64 characters of A-Z a-z 0-9 . _ - :"))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
