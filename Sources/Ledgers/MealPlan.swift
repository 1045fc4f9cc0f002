import Foundation
import KitchenModel
import StorageModel

/// One meal a site serves and the dishes in it; a 留样 sample is due for each dish by `ends`.
public struct PlannedMeal: Codable, Sendable, Hashable {
    public var meal: Meal
    /// End of the service, `HH:MM` China time: every dish's sample is due by then.
    public var ends: String
    public var dishes: [String]

    public init(meal: Meal, ends: String? = nil, dishes: [String]) {
        self.meal = meal
        self.ends = ends ?? meal.defaultServiceEnd
        self.dishes = dishes
    }

    /// Minutes after midnight of `ends`, or nil when it is not a time.
    public var endMinute: Int? {
        let parts = ends.split(separator: ":", omittingEmptySubsequences: false)
        guard ends.utf8.count == 5, parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...23).contains(h), (0...59).contains(m) else { return nil }
        return h * 60 + m
    }

    /// When the service of this meal ends on `day`.
    public func end(on day: CivilDay) -> EpochMillis {
        day.start + EpochMillis(endMinute ?? 1_440) * 60_000
    }
}

/// A site's meal plan (DOMAIN.md 留样: every dish of every meal): the standing plan (`date` nil,
/// every day) or one day's plan (`date` set), which replaces the standing plan on that day.
/// Kept as `meal-plan` entries of the site's chain; the latest entry per date counts.
public struct MealPlan: Codable, Sendable, Hashable {
    public static let kind = "meal-plan"
    public static let maxDishes = 40

    public var date: String?
    public var meals: [PlannedMeal]

    public init(date: String? = nil, meals: [PlannedMeal]) {
        self.date = date
        self.meals = meals
    }

    public func meal(_ meal: Meal) -> PlannedMeal? { meals.first { $0.meal == meal } }

    /// Why this plan cannot be stored, or nil.
    public func problem() -> LedgerRefusal? {
        if let date, CivilDay(date) == nil { return LedgerRefusal("invalid-value", "date must be written YYYY-MM-DD") }
        var seen: Set<Meal> = []
        for meal in meals {
            guard seen.insert(meal.meal).inserted else {
                return LedgerRefusal("invalid-value", "meal '\(meal.meal.rawValue)' is listed twice")
            }
            guard meal.endMinute != nil else {
                return LedgerRefusal("invalid-value", "\(meal.meal.rawValue): ends must be HH:MM")
            }
            guard (1...Self.maxDishes).contains(meal.dishes.count) else {
                return LedgerRefusal("invalid-value", "\(meal.meal.rawValue): list 1-\(Self.maxDishes) dishes")
            }
            guard Set(meal.dishes).count == meal.dishes.count else {
                return LedgerRefusal("invalid-value", "\(meal.meal.rawValue): a dish is listed twice")
            }
            if let bad = meal.dishes.first(where: { !Self.isDishName($0) }) {
                return LedgerRefusal("invalid-value", "dish '\(bad.prefix(32))' must be 1-32 characters of plain text")
            }
        }
        return nil
    }

    /// 1–32 characters, no control, format or invisible characters, no leading or trailing space.
    public static func isDishName(_ text: String) -> Bool {
        (1...32).contains(text.count) && text.trimmingCharacters(in: .whitespaces) == text
            && text.unicodeScalars.allSatisfy { !$0.properties.isDefaultIgnorableCodePoint
                && $0.properties.generalCategory != .control && $0.properties.generalCategory != .format }
    }
}

/// A site's plans as its `meal-plan` entries say.
public struct MealPlans: Sendable {
    public private(set) var standing: MealPlan?
    public private(set) var dated: [String: MealPlan] = [:]

    public init(entries: [ChainEntry]) {
        for entry in entries where entry.kind == MealPlan.kind {
            guard let plan = try? LedgerBody.decode(MealPlan.self, from: entry.body) else { continue }
            if let date = plan.date { dated[date] = plan } else { standing = plan }
        }
    }

    public var isEmpty: Bool { standing == nil && dated.isEmpty }

    /// The plan that holds on `day`: that day's own, else the standing one.
    public func plan(on day: CivilDay) -> MealPlan? { dated[day.description] ?? standing }
}

/// Meal plans in and out of the chain.
public struct MealPlanDesk: Sendable {
    public let book: LedgerBook

    public init(book: LedgerBook) { self.book = book }

    public func plans(_ site: SiteID) throws -> MealPlans {
        MealPlans(entries: try book.store.ledgerEntries(site: site, kind: MealPlan.kind))
    }

    /// Records `plan` unless the same plan already holds for its date; returns the entry.
    @discardableResult
    public func record(_ plan: MealPlan, site: SiteID, source: String) throws -> ChainEntry? {
        if let problem = plan.problem() { throw problem }
        let current = try plans(site)
        let existing = plan.date.map { current.dated[$0] } ?? current.standing
        guard existing != plan else { return nil }
        let now = book.now
        return try book.append(LedgerDraft(site: site, kind: MealPlan.kind, at: now, recordedAt: now, source: source,
                                           body: try LedgerBody.encode(plan)))
    }

    /// Brings the chain in line with the registry's `meal_plan:` lists (standing plans).
    public func sync(_ plans: [SiteID: MealPlan]) throws -> Int {
        var recorded = 0
        for (site, plan) in plans.sorted(by: { $0.key < $1.key }) where try record(plan, site: site, source: "registry") != nil {
            recorded += 1
        }
        return recorded
    }
}
