import KitchenModel
import Yams

/// The `meal_plan:` lists of the registry YAML: a site's standing plan (the registry loader ignores
/// them; this reads only them). Dated plans come through the API.
///
/// ```yaml
/// sites:
///   - id: canteen-01
///     meal_plan:
///       - {meal: lunch, ends: "12:30", dishes: [番茄炒蛋, 红烧排骨, 清炒时蔬, 米饭]}
/// ```
public enum MealPlanFile {
    public struct LoadError: Error, CustomStringConvertible {
        public let problem: String
        public var description: String { "registry meal_plan: \(problem)" }
    }

    private struct RawFile: Decodable { var sites: [RawSite]? }
    private struct RawSite: Decodable {
        var id: String?
        var meal_plan: [RawMeal]?
    }
    private struct RawMeal: Decodable {
        var meal: String?
        var ends: String?
        var dishes: [String]?
    }

    public static func parse(yaml: String) throws -> [SiteID: MealPlan] {
        let raw: RawFile
        do { raw = try YAMLDecoder().decode(RawFile.self, from: yaml) } catch {
            throw LoadError(problem: "the file is not a registry: \(error)")
        }
        var plans: [SiteID: MealPlan] = [:]
        for site in raw.sites ?? [] {
            guard let list = site.meal_plan, !list.isEmpty else { continue }
            guard let id = site.id.flatMap(SiteID.init) else { throw LoadError(problem: "a site with a meal plan has no valid id") }
            var meals: [PlannedMeal] = []
            for (index, m) in list.enumerated() {
                guard let meal = m.meal.flatMap(Meal.init(rawValue:)) else {
                    throw LoadError(problem: "site \(id) meal_plan[\(index)]: meal must be one of "
                        + Meal.allCases.map(\.rawValue).joined(separator: ", "))
                }
                meals.append(PlannedMeal(meal: meal, ends: m.ends, dishes: m.dishes ?? []))
            }
            let plan = MealPlan(meals: meals)
            if let problem = plan.problem() { throw LoadError(problem: "site \(id): \(problem.message)") }
            plans[id] = plan
        }
        return plans
    }
}
