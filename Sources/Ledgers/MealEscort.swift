import KitchenModel
import StorageModel

/// 陪餐 (学校食品安全与营养健康管理规定): at every meal service a school leader (or a parent or
/// teacher on the rota) eats with the pupils and records what they found. One `meal-escort` entry
/// per service; the kind is kept by school canteens (site kind `canteen`).
public struct MealEscortRecord: Codable, Sendable, Hashable {
    public static let meals = ["breakfast", "lunch", "dinner", "snack"]
    public static let roles = ["leader", "parent", "teacher"]

    /// When the meal was eaten, ms since the epoch.
    public var at: EpochMillis
    public var meal: String
    /// Who ate with the pupils: a name, not necessarily on the kitchen's staff.
    public var escort: String
    public var escortRole: String
    public var remarks: String
    /// Problems found (taste, temperature, hygiene …); empty when none.
    public var problems: [String]

    public init(at: EpochMillis, meal: String, escort: String, escortRole: String, remarks: String = "", problems: [String] = []) {
        self.at = at
        self.meal = meal
        self.escort = escort
        self.escortRole = escortRole
        self.remarks = remarks
        self.problems = problems
    }

    enum CodingKeys: String, CodingKey {
        case at = "at_ms", meal, escort, escortRole = "escort_role", remarks, problems
    }

    func check() throws {
        try LedgerFields.one(of: Self.meals, meal, "meal")
        try LedgerFields.text(escort, "escort", max: 32)
        try LedgerFields.one(of: Self.roles, escortRole, "escort_role")
        try LedgerFields.text(remarks, "remarks", max: 200, required: false)
        try LedgerFields.list(problems, "problems", max: 200, count: 10)
    }
}

/// 陪餐 records into the chain.
public struct MealEscortDesk: Sendable {
    public static let kind = "meal-escort"
    /// The site kinds that keep 陪餐 (school canteens).
    public static let siteKinds: Set<SiteKind> = [.canteen]

    public let book: LedgerBook

    public init(book: LedgerBook) { self.book = book }

    /// Appends `record`, or refuses it (nothing stored).
    @discardableResult
    public func record(_ record: MealEscortRecord, site: SiteConfig, source: String, corrects: Int64? = nil) throws -> ChainEntry {
        guard Self.siteKinds.contains(site.kind) else {
            throw LedgerRefusal("not-applicable", "陪餐 records are kept by school canteens, not a \(site.kind.rawValue)")
        }
        try LedgerFields.time(record.at, book: book)
        try record.check()
        try LedgerFields.correction(corrects, kind: Self.kind, site: site.id, book: book)
        return try LedgerFields.append(record, kind: Self.kind, at: record.at, site: site.id, source: source,
                                       corrects: corrects, book: book)
    }

    /// The site's 陪餐 records made on `day` (corrections applied), in chain order.
    public static func records(_ site: SiteID, on day: CivilDay, store: any LedgerEntryStore) throws -> [MealEscortRecord] {
        try LedgerFields.current(MealEscortRecord.self, kind: kind, site: site, store: store) { CivilDay(containing: $0.at) == day }
            .map { $0.record }
    }
}
