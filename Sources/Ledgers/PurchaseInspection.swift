import KitchenModel
import StorageModel

/// 进货查验 (食品安全法 Art. 53/65, 操作规范 §7.9): what was received, from whom, with which
/// voucher, checked by whom; kept for the shelf life + 6 months, 2 years without a shelf life,
/// at least 6 months for farm produce (DOMAIN.md "Kitchen ledgers").
public struct PurchaseInput: Codable, Sendable, Hashable {
    public struct Supplier: Codable, Sendable, Hashable {
        public var name: String
        public var address: String
        public var contact: String

        public init(name: String, address: String, contact: String) {
            self.name = name
            self.address = address
            self.contact = contact
        }
    }

    public struct Voucher: Codable, Sendable, Hashable {
        /// 许可证 copy, 检验报告, 承诺达标合格证.
        public static let types = ["licence", "test-report", "compliance-certificate"]
        public var type: String
        public var number: String

        public init(type: String, number: String) {
            self.type = type
            self.number = number
        }
    }

    /// When the goods were received and checked, ms since the epoch.
    public var at: EpochMillis
    public var item: String
    public var specification: String
    public var quantity: Double
    public var unit: String
    public var batch: String
    /// `YYYY-MM-DD`, empty when unknown (farm produce).
    public var productionDate: String
    /// Days from the production date; nil for goods without a shelf life.
    public var shelfLifeDays: Int?
    public var farmProduce: Bool
    public var supplier: Supplier
    public var voucher: Voucher
    /// The worker who checked the goods (staff id).
    public var inspector: String
    /// False when the goods were turned back.
    public var accepted: Bool
    public var remark: String

    public init(at: EpochMillis, item: String, specification: String = "", quantity: Double, unit: String, batch: String = "",
                productionDate: String = "", shelfLifeDays: Int? = nil, farmProduce: Bool = false, supplier: Supplier,
                voucher: Voucher, inspector: String, accepted: Bool = true, remark: String = "") {
        self.at = at
        self.item = item
        self.specification = specification
        self.quantity = quantity
        self.unit = unit
        self.batch = batch
        self.productionDate = productionDate
        self.shelfLifeDays = shelfLifeDays
        self.farmProduce = farmProduce
        self.supplier = supplier
        self.voucher = voucher
        self.inspector = inspector
        self.accepted = accepted
        self.remark = remark
    }

    enum CodingKeys: String, CodingKey {
        case at = "at_ms", item, specification, quantity, unit, batch, productionDate = "production_date"
        case shelfLifeDays = "shelf_life_days", farmProduce = "farm_produce", supplier, voucher, inspector, accepted, remark
    }
}

/// The `purchase` entry's body: the input, who inspected, and the dates the rules derive.
public struct PurchaseRecord: Codable, Sendable, Hashable {
    public var purchase: PurchaseInput
    public var inspectorName: String
    /// Last day within the shelf life, `YYYY-MM-DD`; nil without a shelf life.
    public var bestBefore: String?
    /// Keep the record at least until this day (the chain itself is never pruned).
    public var keepUntil: String

    enum CodingKeys: String, CodingKey {
        case purchase, inspectorName = "inspector_name", bestBefore = "best_before", keepUntil = "keep_until"
    }
}

/// 进货查验 records into the chain, with the retention DOMAIN.md gives.
public struct PurchaseDesk: Sendable {
    public static let kind = "purchase"
    public let book: LedgerBook

    public init(book: LedgerBook) { self.book = book }

    /// The last day within the shelf life, and the day the record may be discarded after.
    public static func dates(_ input: PurchaseInput) throws -> (bestBefore: CivilDay?, keepUntil: CivilDay) {
        let received = CivilDay(containing: input.at)
        var bestBefore: CivilDay?
        if let days = input.shelfLifeDays {
            guard (1...3_650).contains(days) else {
                throw LedgerRefusal("invalid-value", "shelf_life_days must be 1-3650 (leave it out for goods without one)")
            }
            guard let produced = CivilDay(input.productionDate) else {
                throw LedgerRefusal("invalid-value", "a shelf life needs production_date (YYYY-MM-DD)")
            }
            bestBefore = produced.adding(days: Int64(days) - 1)
        }
        if !input.productionDate.isEmpty {
            guard let produced = CivilDay(input.productionDate) else {
                throw LedgerRefusal("invalid-value", "production_date must be a date written YYYY-MM-DD")
            }
            guard produced <= received else {
                throw LedgerRefusal("invalid-value", "production_date \(produced) is after the goods were received (\(received))")
            }
        }
        if let bestBefore, bestBefore < received {
            throw LedgerRefusal("expired-at-receipt", "the shelf life ended on \(bestBefore), before the goods were received on \(received)")
        }
        let keep = if let bestBefore { bestBefore.adding(months: 6) }
            else if input.farmProduce { received.adding(months: 6) }
            else { received.adding(months: 24) }
        return (bestBefore, keep)
    }

    static func problem(_ input: PurchaseInput) throws {
        try LedgerFields.text(input.item, "item", max: 64)
        try LedgerFields.text(input.specification, "specification", max: 64, required: false)
        guard input.quantity.isFinite else { throw LedgerRefusal("invalid-value", "quantity must be a number") }
        guard input.quantity > 0 else { throw LedgerRefusal("negative-value", "quantity must be more than 0") }
        try LedgerFields.text(input.unit, "unit", max: 16)
        try LedgerFields.text(input.batch, "batch", max: 64, required: false)
        guard !input.batch.isEmpty || !input.productionDate.isEmpty || input.farmProduce else {
            throw LedgerRefusal("invalid-value", "batch or production_date is required (farm produce may have neither)")
        }
        try LedgerFields.text(input.supplier.name, "supplier.name", max: 64)
        try LedgerFields.text(input.supplier.address, "supplier.address", max: 128)
        try LedgerFields.text(input.supplier.contact, "supplier.contact", max: 64)
        try LedgerFields.one(of: PurchaseInput.Voucher.types, input.voucher.type, "voucher.type")
        try LedgerFields.text(input.voucher.number, "voucher.number", max: 64)
        try LedgerFields.text(input.remark, "remark", max: 200, required: false)
    }

    /// Appends one inspection, or refuses it (nothing stored).
    @discardableResult
    public func record(_ input: PurchaseInput, site: SiteID, source: String, corrects: Int64? = nil) throws
        -> (entry: ChainEntry, record: PurchaseRecord) {
        try LedgerFields.time(input.at, book: book)
        try Self.problem(input)
        let dates = try Self.dates(input)
        let inspector = try LedgerFields.worker(input.inspector, site: site, book: book, as: "inspector")
        try LedgerFields.correction(corrects, kind: Self.kind, site: site, book: book)
        let record = PurchaseRecord(purchase: input, inspectorName: inspector.name, bestBefore: dates.bestBefore?.description,
                                    keepUntil: dates.keepUntil.description)
        let entry = try LedgerFields.append(record, kind: Self.kind, at: input.at, site: site, source: source,
                                            corrects: corrects, book: book)
        return (entry, record)
    }

    /// The site's inspections of goods received on `day` (corrections applied), in chain order.
    public static func records(_ site: SiteID, on day: CivilDay, store: any LedgerEntryStore) throws -> [PurchaseRecord] {
        try LedgerFields.current(PurchaseRecord.self, kind: kind, site: site, store: store) { CivilDay(containing: $0.at) == day }
            .map { $0.record }
    }
}
