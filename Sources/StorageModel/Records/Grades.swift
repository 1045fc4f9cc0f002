import KitchenModel

/// One group of stored alarms: the store counts alarms raised in a window by these columns, and
/// the nightly grading sorts each group into a site's facts.
public struct AlarmTally: Sendable, Hashable {
    public var site: SiteID
    public var kind: String
    public var riskClass: RiskClass?
    public var card: Card
    public var count: Int

    public init(site: SiteID, kind: String, riskClass: RiskClass?, card: Card, count: Int) {
        self.site = site
        self.kind = kind
        self.riskClass = riskClass
        self.card = card
        self.count = count
    }
}

/// One site's grade for one day as stored: the columns lists and filters need, and the whole
/// grade with the facts behind it as JSON (docs/rules.md, "Grades").
public struct StoredGrade: Sendable, Hashable {
    public var site: SiteID
    /// `YYYY-MM-DD` (China Standard Time): the day the grade is for (the window ends with it).
    public var day: String
    public var region: String
    public var score: Int
    public var smiley: String
    public var risk: String
    public var body: String
    public var computedAt: EpochMillis

    public init(site: SiteID, day: String, region: String, score: Int, smiley: String, risk: String, body: String,
                computedAt: EpochMillis) {
        self.site = site
        self.day = day
        self.region = region
        self.score = score
        self.smiley = smiley
        self.risk = risk
        self.body = body
        self.computedAt = computedAt
    }
}

/// Nightly grades and the alarm counts they are computed from.
public protocol GradeStore: AnyObject, Sendable {
    /// Alarms raised in `[since, until)`, counted by site, kind, risk class and card.
    func alarmTallies(since: EpochMillis, until: EpochMillis) throws -> [AlarmTally]
    /// Stores the grades, replacing any of the same site and day (a re-run of a night is idempotent).
    func saveGrades(_ grades: [StoredGrade]) throws
    /// Grades of days `from...to` (`YYYY-MM-DD`), of sites whose region starts with `regionPrefix`
    /// (all with nil), ordered by day then site.
    func grades(fromDay: String, toDay: String, regionPrefix: String?) throws -> [StoredGrade]
    func grades(site: SiteID, fromDay: String, toDay: String) throws -> [StoredGrade]
    /// The latest day any grade is stored for.
    func latestGradeDay() throws -> String?
}
