import KitchenModel

/// What the grade of one site is computed from: its own record over the grading window
/// (docs/rules.md, "Grades"). Counts come from the store; the dates from the registry.
public struct SiteRecordFacts: Sendable, Hashable, Codable {
    /// Days the window covers (the counts below are over these days).
    public var windowDays: Int
    /// Violations raised, by risk class (一类 rodent/pest/intrusion, 二类, 三类).
    public var class1Violations = 0
    public var class2Violations = 0
    public var class3Violations = 0
    /// Alarms that went overdue: a yellow card, and those that went on to a red card.
    public var yellowCards = 0
    public var redCards = 0
    /// Temperature excursions raised (`too_warm`, `too_cold`): the record of cold and hot holding.
    public var temperatureExcursions = 0
    /// Days a required ledger was missing (one per missed-ledger alarm, e.g. no 晨检 by opening).
    public var ledgerMissedDays = 0
    /// Consumer ratings in the window and how satisfied they were, 0 (all 😞) to 1 (all 😊).
    public var ratings = 0
    public var satisfiedShare: Double?
    /// Complaints the regulator upheld in the window.
    public var upheldComplaints = 0
    /// Days since the food business licence was issued, and since the last food-safety incident
    /// (both from the registry; nil when not recorded).
    public var daysSinceLicensed: Int?
    public var daysSinceIncident: Int?

    public init(windowDays: Int) {
        self.windowDays = windowDays
    }

    enum CodingKeys: String, CodingKey {
        case windowDays = "window_days", class1Violations = "class1_violations"
        case class2Violations = "class2_violations", class3Violations = "class3_violations"
        case yellowCards = "yellow_cards", redCards = "red_cards"
        case temperatureExcursions = "temperature_excursions", ledgerMissedDays = "ledger_missed_days"
        case ratings, satisfiedShare = "satisfied_share", upheldComplaints = "upheld_complaints"
        case daysSinceLicensed = "days_since_licensed", daysSinceIncident = "days_since_incident"
    }
}

extension SiteRecordFacts {
    /// Alarm kinds that mean a required ledger was not kept that day. Ledger kinds that raise
    /// their own "missing" alarm add their kind here.
    public static let missedLedgerKinds: Set<String> = Set([
        AlarmKind.morningCheckMissed, .sampleMissing, .dailyCheckMissed, .weeklyReviewMissed, .monthlyMeetingMissed,
    ].map(\.rawValue))

    public static let temperatureKinds: Set<String> = [AlarmKind.tooWarm.rawValue, AlarmKind.tooCold.rawValue]
}
