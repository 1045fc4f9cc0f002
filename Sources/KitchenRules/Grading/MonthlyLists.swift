import KitchenModel

/// A month's 红黑榜 for a region, from the nightly grades of its sites (docs/rules.md, "Red and
/// black lists").
public struct MonthlyLists: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var site: String
        public var days: Int
        public var meanScore: Int
        public var worstRisk: RiskGrade
        /// Why it is on the black list: the rules failed and grades missed that month.
        public var reasons: [String]

        enum CodingKeys: String, CodingKey {
            case site, days, reasons, meanScore = "mean_score", worstRisk = "worst_risk"
        }
    }

    public var red: [Entry]
    public var black: [Entry]

    /// A site needs grades on at least half the month's days to be on the red list: one good
    /// night is no month.
    public static func build(month days: Int, grades: [(site: String, grade: SiteGrade)]) -> MonthlyLists {
        var bySite: [String: [SiteGrade]] = [:]
        for (site, grade) in grades { bySite[site, default: []].append(grade) }
        var red: [Entry] = []
        var black: [Entry] = []
        for (site, list) in bySite {
            let mean = Int((Double(list.reduce(0) { $0 + $1.score }) / Double(list.count)).rounded())
            let worst = list.map(\.risk).max() ?? .a
            var reasons: Set<String> = []
            for grade in list {
                if grade.risk == .d { reasons.insert("risk_d") }
                if let why = grade.ungradedBecause, why == .keyItems || why == .lowScore { reasons.insert(why.rawValue) }
                reasons.formUnion(grade.failedKeyItems)
            }
            let entry = Entry(site: site, days: list.count, meanScore: mean, worstRisk: worst, reasons: reasons.sorted())
            if worst == .d || reasons.contains(UngradedReason.keyItems.rawValue) || reasons.contains(UngradedReason.lowScore.rawValue) {
                black.append(entry)
            } else if list.count * 2 >= days, list.allSatisfy({ $0.smiley == .excellent && $0.failedKeyItems.isEmpty }) {
                red.append(Entry(site: site, days: list.count, meanScore: mean, worstRisk: worst, reasons: []))
            }
        }
        red.sort { ($0.meanScore, $1.site) > ($1.meanScore, $0.site) }
        black.sort { ($0.meanScore, $0.site) < ($1.meanScore, $1.site) }
        return MonthlyLists(red: red, black: black)
    }
}
