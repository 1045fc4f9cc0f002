import KitchenModel
import StorageModel

/// 日管控: the food-safety officer walks the site's checklist (``SafetyChecklist``) every day.
public struct DailyCheckInput: Codable, Sendable, Hashable {
    public struct Answer: Codable, Sendable, Hashable {
        public var item: String
        public var ok: Bool
        /// What was wrong and what was done; required when not ok.
        public var note: String

        public init(item: String, ok: Bool, note: String = "") {
            self.item = item
            self.ok = ok
            self.note = note
        }
    }

    public var at: EpochMillis
    /// The officer's staff id.
    public var officer: String
    public var answers: [Answer]
    public var remark: String

    public init(at: EpochMillis, officer: String, answers: [Answer], remark: String = "") {
        self.at = at
        self.officer = officer
        self.answers = answers
        self.remark = remark
    }

    enum CodingKeys: String, CodingKey { case at = "at_ms", officer, answers = "items", remark }
}

/// The `daily-check` entry's body.
public struct DailyCheckRecord: Codable, Sendable, Hashable {
    public var check: DailyCheckInput
    public var officerName: String
    /// The template the answers follow (``SafetyChecklist/id``).
    public var checklist: String
    /// Items answered "not ok".
    public var problems: Int

    enum CodingKeys: String, CodingKey { case check, officerName = "officer_name", checklist, problems }
}

/// 周排查: the weekly hazard review report.
public struct WeeklyReviewRecord: Codable, Sendable, Hashable {
    public var at: EpochMillis
    public var officer: String
    public var officerName: String
    /// Hazards found this week; empty when none.
    public var hazards: [String]
    /// What was done or is planned about them.
    public var measures: String
    public var summary: String
    /// The week reviewed, `YYYY-MM-DD/YYYY-MM-DD` (Monday to Sunday); set by the desk.
    public var week: String

    public init(at: EpochMillis, officer: String, hazards: [String] = [], measures: String = "", summary: String) {
        self.at = at
        self.officer = officer
        officerName = ""
        self.hazards = hazards
        self.measures = measures
        self.summary = summary
        week = ""
    }

    enum CodingKeys: String, CodingKey {
        case at = "at_ms", officer, officerName = "officer_name", hazards, measures, summary, week
    }
}

/// 月调度: the monthly food-safety scheduling meeting's minutes.
public struct MonthlyMeetingRecord: Codable, Sendable, Hashable {
    public var at: EpochMillis
    /// Who chaired (the site's manager, 主要负责人): a staff id.
    public var chair: String
    public var chairName: String
    /// Staff ids of those present.
    public var attendees: [String]
    public var minutes: String
    public var decisions: [String]
    /// The month, `YYYY-MM`; set by the desk.
    public var month: String

    public init(at: EpochMillis, chair: String, attendees: [String], minutes: String, decisions: [String] = []) {
        self.at = at
        self.chair = chair
        chairName = ""
        self.attendees = attendees
        self.minutes = minutes
        self.decisions = decisions
        month = ""
    }

    enum CodingKeys: String, CodingKey {
        case at = "at_ms", chair, chairName = "chair_name", attendees, minutes, decisions, month
    }
}

/// 令60's daily, weekly and monthly records into the chain.
public struct SafetyCheckDesk: Sendable {
    public static let dailyKind = "daily-check"
    public static let weeklyKind = "weekly-review"
    public static let monthlyKind = "monthly-meeting"
    /// Who may sign the daily check and the weekly review.
    public static let officerRoles = ["food-safety-officer", "manager"]

    public let book: LedgerBook

    public init(book: LedgerBook) { self.book = book }

    /// The daily check against `site`'s checklist: every item answered once, none outside it.
    @discardableResult
    public func daily(_ input: DailyCheckInput, site: SiteConfig, source: String, corrects: Int64? = nil) throws
        -> (entry: ChainEntry, record: DailyCheckRecord) {
        try LedgerFields.time(input.at, book: book)
        let checklist = SafetyChecklist.for(site.kind)
        var seen: Set<String> = []
        for answer in input.answers {
            guard checklist.item(answer.item) != nil else {
                throw LedgerRefusal("unknown-item", "'\(answer.item.prefix(64))' is not an item of checklist \(checklist.id)")
            }
            guard seen.insert(answer.item).inserted else {
                throw LedgerRefusal("invalid-value", "item '\(answer.item)' is answered twice")
            }
            try LedgerFields.text(answer.note, "note of \(answer.item)", max: 200, required: !answer.ok)
        }
        if let missing = checklist.items.first(where: { !seen.contains($0.id) }) {
            throw LedgerRefusal("missing-item", "checklist \(checklist.id) item '\(missing.id)' is not answered")
        }
        try LedgerFields.text(input.remark, "remark", max: 500, required: false)
        let officer = try LedgerFields.worker(input.officer, site: site.id, book: book, roles: Self.officerRoles, as: "officer")
        try LedgerFields.correction(corrects, kind: Self.dailyKind, site: site.id, book: book)
        let record = DailyCheckRecord(check: input, officerName: officer.name, checklist: checklist.id,
                                      problems: input.answers.filter { !$0.ok }.count)
        return (try LedgerFields.append(record, kind: Self.dailyKind, at: input.at, site: site.id, source: source,
                                        corrects: corrects, book: book), record)
    }

    @discardableResult
    public func weekly(_ input: WeeklyReviewRecord, site: SiteID, source: String, corrects: Int64? = nil) throws
        -> (entry: ChainEntry, record: WeeklyReviewRecord) {
        try LedgerFields.time(input.at, book: book)
        try LedgerFields.list(input.hazards, "hazards", max: 200, count: 20)
        try LedgerFields.text(input.measures, "measures", max: 1_000, required: !input.hazards.isEmpty)
        try LedgerFields.text(input.summary, "summary", max: 1_000)
        let officer = try LedgerFields.worker(input.officer, site: site, book: book, roles: Self.officerRoles, as: "officer")
        try LedgerFields.correction(corrects, kind: Self.weeklyKind, site: site, book: book)
        var record = input
        record.officerName = officer.name
        record.week = LedgerPeriod(.week, containing: CivilDay(containing: input.at)).description
        return (try LedgerFields.append(record, kind: Self.weeklyKind, at: input.at, site: site, source: source,
                                        corrects: corrects, book: book), record)
    }

    @discardableResult
    public func monthly(_ input: MonthlyMeetingRecord, site: SiteID, source: String, corrects: Int64? = nil) throws
        -> (entry: ChainEntry, record: MonthlyMeetingRecord) {
        try LedgerFields.time(input.at, book: book)
        try LedgerFields.text(input.minutes, "minutes", max: 2_000)
        try LedgerFields.list(input.decisions, "decisions", max: 200, count: 20)
        guard !input.attendees.isEmpty, input.attendees.count <= 50, Set(input.attendees).count == input.attendees.count else {
            throw LedgerRefusal("invalid-value", "attendees must list 1-50 different staff ids")
        }
        let chair = try LedgerFields.worker(input.chair, site: site, book: book, as: "chair")
        for attendee in input.attendees { _ = try LedgerFields.worker(attendee, site: site, book: book, as: "attendee") }
        try LedgerFields.correction(corrects, kind: Self.monthlyKind, site: site, book: book)
        var record = input
        record.chairName = chair.name
        record.month = LedgerPeriod(.month, containing: CivilDay(containing: input.at)).description
        return (try LedgerFields.append(record, kind: Self.monthlyKind, at: input.at, site: site, source: source,
                                        corrects: corrects, book: book), record)
    }
}
