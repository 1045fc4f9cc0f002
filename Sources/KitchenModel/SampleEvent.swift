/// Meals a kitchen serves; a 留样 sample belongs to one dish of one of them (DOMAIN.md, "Kitchen ledgers").
public enum Meal: String, Hashable, Sendable, Codable, CaseIterable {
    case breakfast, lunch, dinner, snack, supper

    /// When a meal plan leaves the end of this meal's service out, `HH:MM`.
    public var defaultServiceEnd: String {
        switch self {
        case .breakfast: "09:00"
        case .lunch: "13:30"
        case .snack: "16:00"
        case .dinner: "19:30"
        case .supper: "22:00"
        }
    }

    public var nameZH: String {
        switch self {
        case .breakfast: "早餐"
        case .lunch: "午餐"
        case .dinner: "晚餐"
        case .snack: "加餐"
        case .supper: "夜宵"
        }
    }
}

/// A 留样柜's `sample` event: a sample box weighed and put in, made at the event's `ts`. The
/// cabinet knows the meal and dish (chosen on its screen or printed on the box label).
public struct SampleEvent: Hashable, Sendable, Codable {
    /// The box's slot or label in the cabinet; a later `door` event names it when it is taken out.
    public var box: String
    public var meal: Meal
    /// The dish's name as the site's meal plan lists it.
    public var dish: String
    /// Net weight of the sample, g.
    public var grams: Double
    /// Who put the sample in (a staff id), when the cabinet identified them.
    public var by: String?

    public init(box: String, meal: Meal, dish: String, grams: Double, by: String? = nil) {
        self.box = box
        self.meal = meal
        self.dish = dish
        self.grams = grams
        self.by = by
    }
}

/// A 留样柜's `door` event: the door was opened and closed again (`ts` = closed), and the boxes
/// that left the cabinet meanwhile (its scale or slot sensors tell).
public struct DoorEvent: Hashable, Sendable, Codable {
    /// How long the door stood open, s.
    public var openSeconds: Double
    /// Boxes taken out.
    public var removed: [String]
    public var by: String?

    public init(openSeconds: Double, removed: [String] = [], by: String? = nil) {
        self.openSeconds = openSeconds
        self.removed = removed
        self.by = by
    }

    enum CodingKeys: String, CodingKey { case openSeconds = "open_s", removed, by }
}
