import KitchenModel

/// The nightly grade of a site from its own record (docs/rules.md, "Grades", has this table with
/// its sources). 100 points less capped deductions; the smiley bands of the 量化分级 draft
/// (≥ 90 / 75–90 / 60–75); a risk grade from static points by kind of kitchen plus the points lost.
public struct GradeRules: Sendable {
    /// One line of the table: points per counted fact, at most `cap` in total.
    public struct Rule: Sendable {
        public var name: String
        public var pointsEach: Double
        public var cap: Int
        /// The item fails (a key item) once the count reaches this; nil: not a key item.
        public var keyItemAt: Int?
        /// Failing it is a serious violation: risk grade D at once.
        public var serious: Bool
        let count: @Sendable (SiteRecordFacts) -> Double
    }

    public var rules: [Rule]
    /// The grading window: the last 90 days, like the public page's closed violations.
    public var windowDays = 90
    /// Ratings count once a site has this many in the window (a handful say little).
    public var minimumRatings = 10
    /// Below this satisfied share, ratings cost points.
    public var satisfiedFloor = 0.6
    public var excellentFrom = 90
    public var goodFrom = 75
    public var fairFrom = 60
    /// No grade this many days after licensing, and after a food-safety incident (DOMAIN.md).
    public var newlyLicensedDays = 90
    public var afterIncidentDays = 180

    public init() {
        rules = [
            Rule(name: "class1_violations", pointsEach: 10, cap: 40, keyItemAt: 1, serious: false) { Double($0.class1Violations) },
            Rule(name: "class2_violations", pointsEach: 3, cap: 15, keyItemAt: nil, serious: false) { Double($0.class2Violations) },
            Rule(name: "class3_violations", pointsEach: 1, cap: 5, keyItemAt: nil, serious: false) { Double($0.class3Violations) },
            Rule(name: "yellow_cards", pointsEach: 4, cap: 20, keyItemAt: nil, serious: false) { Double($0.yellowCards) },
            Rule(name: "red_cards", pointsEach: 10, cap: 30, keyItemAt: 1, serious: true) { Double($0.redCards) },
            Rule(name: "temperature_excursions", pointsEach: 2, cap: 20, keyItemAt: nil, serious: false) {
                Double($0.temperatureExcursions)
            },
            Rule(name: "ledger_missed_days", pointsEach: 2, cap: 20, keyItemAt: 10, serious: false) { Double($0.ledgerMissedDays) },
            Rule(name: "upheld_complaints", pointsEach: 5, cap: 20, keyItemAt: 1, serious: false) { Double($0.upheldComplaints) },
        ]
    }

    /// Static risk points by kind of kitchen: who eats there and how much is cooked at once.
    public func staticRiskPoints(_ kind: SiteKind) -> Int {
        switch kind {
        case .canteen, .centralKitchen, .elderlyCare: 30
        case .hospital: 25
        case .restaurant, .market: 15
        }
    }

    /// A (≤ 30 points), B (≤ 45), C (≤ 60), D above.
    public func riskGrade(points: Int) -> RiskGrade {
        switch points {
        case ...30: .a
        case ...45: .b
        case ...60: .c
        default: .d
        }
    }

    public func grade(_ facts: SiteRecordFacts, kind: SiteKind) -> SiteGrade {
        var deductions: [Deduction] = []
        var failed: [String] = []
        var serious = false
        for rule in rules {
            let count = rule.count(facts)
            guard count > 0 else { continue }
            let points = min(rule.cap, Int((count * rule.pointsEach).rounded()))
            if points > 0 { deductions.append(Deduction(rule: rule.name, points: points)) }
            if let threshold = rule.keyItemAt, count >= Double(threshold) {
                failed.append(rule.name)
                serious = serious || rule.serious
            }
        }
        if facts.ratings >= minimumRatings, let share = facts.satisfiedShare, share < satisfiedFloor {
            // Up to 10 points as the satisfied share falls from the floor to none.
            let points = Int(((satisfiedFloor - share) / satisfiedFloor * 10).rounded())
            if points > 0 { deductions.append(Deduction(rule: "ratings", points: points)) }
        }
        let score = max(0, 100 - deductions.reduce(0) { $0 + $1.points })
        let riskPoints = staticRiskPoints(kind) + (100 - score)
        let (smiley, reason) = smiley(score: score, failedKeyItems: failed.count, facts: facts)
        return SiteGrade(score: score, smiley: smiley, ungradedBecause: reason,
                         risk: serious ? .d : riskGrade(points: riskPoints), riskPoints: riskPoints,
                         deductions: deductions, failedKeyItems: failed)
    }

    private func smiley(score: Int, failedKeyItems: Int, facts: SiteRecordFacts) -> (SmileyGrade, UngradedReason?) {
        if let days = facts.daysSinceLicensed, days < newlyLicensedDays { return (.ungraded, .newlyLicensed) }
        if let days = facts.daysSinceIncident, days < afterIncidentDays { return (.ungraded, .recentIncident) }
        if failedKeyItems >= 2 { return (.ungraded, .keyItems) }
        if score >= excellentFrom { return (.excellent, nil) }
        if score >= goodFrom { return (.good, nil) }
        if score >= fairFrom { return (.fair, nil) }
        return (.ungraded, .lowScore)
    }
}
