import KitchenModel

/// A 留样柜: its fridge (played like a `sample`-zone thermometer) and the meals whose dishes it
/// samples each day. The meals also go into the generated registry as the site's `meal_plan:`.
public struct SamplerBehaviour: Sendable, Hashable {
    public struct Dish: Sendable, Hashable {
        public var name: String
        /// What the sample weighs (a little noise is added); 0: the dish is never sampled (a
        /// forgotten sample, for the demo's missing one).
        public var grams: Double

        public init(name: String, grams: Double) {
            self.name = name
            self.grams = grams
        }
    }

    public struct MealDishes: Sendable, Hashable {
        public var meal: Meal
        public var ends: String
        public var dishes: [Dish]

        public init(meal: Meal, ends: String, dishes: [Dish]) {
            self.meal = meal
            self.ends = ends
            self.dishes = dishes
        }
    }

    public var fridge: ThermoBehaviour
    public var meals: [MealDishes]

    public init(fridge: ThermoBehaviour, meals: [MealDishes]) {
        self.fridge = fridge
        self.meals = meals
    }
}
