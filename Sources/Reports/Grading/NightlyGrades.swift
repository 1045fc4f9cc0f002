import Foundation
import KitchenModel
import KitchenRules
import StorageModel

/// A site as grading sees it: from the registry.
public struct GradedSite: Sendable {
    public var id: SiteID
    public var kind: SiteKind
    public var region: String
    public var licensedOn: CivilDate?
    public var incidentOn: CivilDate?

    public init(_ site: SiteConfig) {
        id = site.id
        kind = site.kind
        region = site.region.description
        licensedOn = site.licensedOn
        incidentOn = site.incidentOn
    }
}

/// Consumer feedback per site over a window, for the grade's rating and complaint lines; the
/// open-kitchen feedback store answers it where it is built, nothing otherwise.
public protocol FeedbackFacts: Sendable {
    func feedback(since: EpochMillis, until: EpochMillis) throws -> [SiteID: SiteFeedback]
}

public struct SiteFeedback: Sendable, Hashable {
    public var ratings: Int
    /// How satisfied the ratings were, 0 (all 😞) to 1 (all 😊); nil without ratings.
    public var satisfaction: Double?
    public var upheldComplaints: Int

    public init(ratings: Int, satisfaction: Double?, upheldComplaints: Int) {
        self.ratings = ratings
        self.satisfaction = satisfaction
        self.upheldComplaints = upheldComplaints
    }
}

/// The open-kitchen feedback store as grading reads it: each rating scores 菜品质量 and 环境卫生
/// from 1 (😞) to 3 (😊); satisfaction is their mean mapped onto 0...1.
public struct StoredFeedbackFacts: FeedbackFacts {
    let store: any FeedbackStore

    public init(_ store: any FeedbackStore) {
        self.store = store
    }

    public func feedback(since: EpochMillis, until: EpochMillis) throws -> [SiteID: SiteFeedback] {
        var out: [SiteID: SiteFeedback] = [:]
        for s in try store.feedbackSummary(from: since, until: until) {
            let means = [s.foodAverage, s.hygieneAverage].compactMap { $0 }
            let satisfaction = means.isEmpty ? nil : min(1, max(0, (means.reduce(0, +) / Double(means.count) - 1) / 2))
            out[s.site] = SiteFeedback(ratings: s.ratings, satisfaction: satisfaction, upheldComplaints: s.upheldComplaints)
        }
        return out
    }
}

/// Grades every registered site for one day from its own record (docs/rules.md, "Grades"): one
/// grouped alarm query for all sites, then pure arithmetic, then one write. Idempotent: a night
/// graded again replaces its rows.
public enum NightlyGrades {
    public struct Outcome: Sendable {
        public var day: CivilDate
        public var grades: [(site: SiteID, grade: SiteGrade)]
        public var stored: Int
    }

    /// The first and last millisecond+1 of the window of `windowDays` China days ending with `day`.
    public static func window(endingWith day: CivilDate, days: Int) -> (since: EpochMillis, until: EpochMillis) {
        let offset: EpochMillis = 8 * 3_600_000
        let until = (day.dayNumber + 1) * 86_400_000 - offset
        return (until - EpochMillis(days) * 86_400_000, until)
    }

    public static func run(day: CivilDate, sites: [GradedSite], store: any GradeStore, feedback: (any FeedbackFacts)?,
                           rules: GradeRules = GradeRules(), now: EpochMillis) throws -> Outcome {
        let (since, until) = window(endingWith: day, days: rules.windowDays)
        var facts: [SiteID: SiteRecordFacts] = [:]
        for tally in try store.alarmTallies(since: since, until: until) {
            facts[tally.site, default: SiteRecordFacts(windowDays: rules.windowDays)].add(tally)
        }
        let opinions = try feedback?.feedback(since: since, until: until) ?? [:]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var graded: [(site: SiteID, grade: SiteGrade)] = []
        var rows: [StoredGrade] = []
        graded.reserveCapacity(sites.count)
        rows.reserveCapacity(sites.count)
        for site in sites {
            var f = facts[site.id] ?? SiteRecordFacts(windowDays: rules.windowDays)
            if let o = opinions[site.id] {
                f.ratings = o.ratings
                f.satisfiedShare = o.satisfaction
                f.upheldComplaints = o.upheldComplaints
            }
            f.daysSinceLicensed = site.licensedOn.map { Int(day.dayNumber - $0.dayNumber) }
            f.daysSinceIncident = site.incidentOn.map { Int(day.dayNumber - $0.dayNumber) }
            let grade = rules.grade(f, kind: site.kind)
            graded.append((site.id, grade))
            let body = try encoder.encode(GradeBody(grade: grade, facts: f))
            rows.append(StoredGrade(site: site.id, day: day.description, region: site.region, score: grade.score,
                                    smiley: grade.smiley.rawValue, risk: grade.risk.rawValue,
                                    body: String(decoding: body, as: UTF8.self), computedAt: now))
        }
        try store.saveGrades(rows)
        return Outcome(day: day, grades: graded, stored: rows.count)
    }
}

/// What a stored grade's `body` holds: the grade and the facts it was computed from.
public struct GradeBody: Sendable, Codable {
    public var grade: SiteGrade
    public var facts: SiteRecordFacts

    public init(grade: SiteGrade, facts: SiteRecordFacts) {
        self.grade = grade
        self.facts = facts
    }

    public static func decode(_ stored: StoredGrade) -> GradeBody? {
        try? JSONDecoder().decode(GradeBody.self, from: Data(stored.body.utf8))
    }
}

extension SiteRecordFacts {
    /// Sorts one group of stored alarms into the facts.
    public mutating func add(_ tally: AlarmTally) {
        if tally.kind == AlarmKind.violation.rawValue {
            switch tally.riskClass {
            case .class1: class1Violations += tally.count
            case .class2: class2Violations += tally.count
            case .class3, nil: class3Violations += tally.count
            }
        } else if Self.temperatureKinds.contains(tally.kind) {
            temperatureExcursions += tally.count
        } else if Self.missedLedgerKinds.contains(tally.kind) {
            ledgerMissedDays += tally.count
        }
        // A red card was a yellow one first.
        if tally.card >= .yellow { yellowCards += tally.count }
        if tally.card == .red { redCards += tally.count }
    }
}
