/// A site's traffic light on the regulator's map. Ordered green < yellow < red, so the worst of
/// several is their maximum. Which alarms make which colour is `KitchenRules.SiteTrafficLight`.
public enum SiteStatus: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case green, yellow, red

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
