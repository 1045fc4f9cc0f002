import KitchenModel

/// 量化分级's smiley grade at the door: 优秀 大笑, 良好 微笑, 一般 平脸, or no grade.
public enum SmileyGrade: String, Sendable, Hashable, Codable, CaseIterable {
    case excellent
    case good
    case fair
    case ungraded

    public var chinese: String {
        switch self {
        case .excellent: "优秀"
        case .good: "良好"
        case .fair: "一般"
        case .ungraded: "不予评级"
        }
    }

    /// The face on the door sign.
    public var face: String {
        switch self {
        case .excellent: "😄"
        case .good: "🙂"
        case .fair: "😐"
        case .ungraded: "—"
        }
    }
}

/// 风险分级 A (lowest) to D, and the routine inspections a year each implies.
public enum RiskGrade: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case a = "A", b = "B", c = "C", d = "D"

    /// Inspections a year (DOMAIN.md): A at least 1, B 1–2, C 2–3, D 3–4.
    public var inspectionsPerYear: ClosedRange<Int> {
        switch self {
        case .a: 1...1
        case .b: 1...2
        case .c: 2...3
        case .d: 3...4
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Why a site has no smiley grade although it has a score.
public enum UngradedReason: String, Sendable, Hashable, Codable {
    /// Below the lowest band (60).
    case lowScore = "low_score"
    /// Two or more key items failed.
    case keyItems = "key_items"
    /// Licensed less than 3 months ago.
    case newlyLicensed = "newly_licensed"
    /// A food-safety incident less than 6 months ago.
    case recentIncident = "recent_incident"
}

/// One rule's deduction from the 100 points.
public struct Deduction: Sendable, Hashable, Codable {
    public var rule: String
    public var points: Int

    public init(rule: String, points: Int) {
        self.rule = rule
        self.points = points
    }
}

/// A site's grade for one day, with every deduction that made it.
public struct SiteGrade: Sendable, Hashable, Codable {
    public var score: Int
    public var smiley: SmileyGrade
    public var ungradedBecause: UngradedReason?
    public var risk: RiskGrade
    /// Static (kind of kitchen) plus dynamic (100 − score) points behind `risk`.
    public var riskPoints: Int
    public var deductions: [Deduction]
    /// Key items failed (each a rule name): two or more give no smiley grade; a serious one gives D.
    public var failedKeyItems: [String]

    enum CodingKeys: String, CodingKey {
        case score, smiley, risk, deductions
        case ungradedBecause = "ungraded_because", riskPoints = "risk_points", failedKeyItems = "failed_key_items"
    }
}
