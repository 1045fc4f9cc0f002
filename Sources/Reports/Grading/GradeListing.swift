import KitchenModel
import KitchenRules
import RegionNames
import StorageModel

/// One site's grade as the API, the dashboard and the open-data export show it: names, not bare codes.
public struct GradeListing: Sendable, Encodable {
    public var site: String
    public var name: String
    public var region: String
    public var regionName: String
    public var licence: String?
    public var day: String
    public var score: Int
    public var smiley: SmileyGrade
    public var smileyZH: String
    public var ungradedBecause: UngradedReason?
    public var risk: RiskGrade
    /// `1`, `1-2`, `2-3`, `3-4`: routine inspections a year the risk grade implies.
    public var inspectionsPerYear: String
    public var deductions: [Deduction]
    public var failedKeyItems: [String]
    /// The facts behind the grade; left out of the open data.
    public var facts: SiteRecordFacts?

    enum CodingKeys: String, CodingKey {
        case site, name, region, licence, day, score, smiley, risk, deductions, facts
        case regionName = "region_name", smileyZH = "smiley_zh", ungradedBecause = "ungraded_because"
        case inspectionsPerYear = "inspections_per_year", failedKeyItems = "failed_key_items"
    }

    /// Nil when the stored body cannot be read (written by a newer gateway, say): such a row is skipped.
    public init?(_ stored: StoredGrade, site: SiteConfig?, withFacts: Bool) {
        guard let body = GradeBody.decode(stored) else { return nil }
        let grade = body.grade
        self.site = stored.site.rawValue
        name = site?.name ?? stored.site.rawValue
        region = stored.region
        regionName = RegionNames.shared.path(stored.region)
        licence = site?.licence
        day = stored.day
        score = grade.score
        smiley = grade.smiley
        smileyZH = grade.smiley.chinese
        ungradedBecause = grade.ungradedBecause
        risk = grade.risk
        let range = grade.risk.inspectionsPerYear
        inspectionsPerYear = range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
        deductions = grade.deductions
        failedKeyItems = grade.failedKeyItems
        facts = withFacts ? body.facts : nil
    }
}

/// The open-data export of grades (like Shanghai's 餐饮脸谱): what a door sign shows, per site.
public enum GradeOpenData {
    public static let csvHeader = ["day", "site", "name", "region", "region_name", "licence", "smiley_grade", "smiley_grade_zh",
                                   "risk_grade", "inspections_per_year", "score"]

    public static func csv(_ listings: [GradeListing]) -> String {
        CSV.document(header: csvHeader, rows: listings.map {
            [$0.day, $0.site, $0.name, $0.region, $0.regionName, $0.licence ?? "", $0.smiley.rawValue, $0.smileyZH,
             $0.risk.rawValue, $0.inspectionsPerYear, String($0.score)]
        })
    }
}
