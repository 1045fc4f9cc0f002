import KitchenModel
import StorageModel

/// One site's 留样 for one day, for the daily sheet, the 今日台账 card and the API: each planned
/// dish with its samples, and how each sample is kept so far.
public struct SampleDay: Sendable {
    public enum Status: String, Sendable {
        /// A sample of ≥ 125 g was taken.
        case sampled
        /// Only samples under 125 g so far.
        case underweight
        /// The service is over and there is no sample of ≥ 125 g.
        case missing
        /// The service is not over yet and there is no sample of ≥ 125 g yet.
        case due
    }

    public struct Line: Sendable {
        public var meal: Meal
        public var dish: String
        /// End of the meal's service: the sample is due by then.
        public var due: EpochMillis
        public var status: Status
        public var samples: [KeptSample]
    }

    public let site: SiteID
    public let day: CivilDay
    public let lines: [Line]
    /// Samples of the day whose meal or dish the plan no longer lists (the plan changed after).
    public let unplanned: [KeptSample]
    public let keeping: [Int64: SampleKeeping]

    public var hasPlan: Bool { !lines.isEmpty }
    public var sampled: Int { lines.filter { $0.status == .sampled }.count }
    /// Dishes without a sample of ≥ 125 g, whether their service is over (missing) or not (due).
    public var notSampled: [Line] { lines.filter { $0.status != .sampled } }
    /// Each sample's problems: a fridge excursion, an early removal, or both.
    public var findings: [(sample: KeptSample, keeping: SampleKeeping)] {
        (lines.flatMap(\.samples) + unplanned).flatMap { s -> [(sample: KeptSample, keeping: SampleKeeping)] in
            var found: [(sample: KeptSample, keeping: SampleKeeping)] = []
            if case .excursion = keeping[s.seq] { found.append((s, keeping[s.seq]!)) }
            if s.removedEarly, let removal = s.removal { found.append((s, .removedEarly(at: removal.at))) }
            return found
        }
    }

    public static func build(site: SiteID, day: CivilDay, ledger: any LedgerEntryStore, readings: any ReadingQueries,
                             now: EpochMillis) throws -> SampleDay {
        let plans = MealPlans(entries: try ledger.ledgerEntries(site: site, kind: MealPlan.kind))
        let taken = try SampleDesk.log(site, since: day.start, until: day.start + 86_400_000, store: ledger).samples
        let keeping = try SampleJudge(ledger: ledger, readings: readings).keeping(taken, site: site, now: now)
        var lines: [Line] = []
        var placed: Set<Int64> = []
        for meal in plans.plan(on: day)?.meals ?? [] {
            for dish in meal.dishes {
                let samples = taken.filter { $0.input.meal == meal.meal && $0.input.dish == dish }
                placed.formUnion(samples.map(\.seq))
                let due = meal.end(on: day)
                let status: Status = samples.contains { $0.record.enough } ? .sampled
                    : now >= due ? .missing : samples.isEmpty ? .due : .underweight
                lines.append(Line(meal: meal.meal, dish: dish, due: due, status: status, samples: samples))
            }
        }
        return SampleDay(site: site, day: day, lines: lines, unplanned: taken.filter { !placed.contains($0.seq) },
                         keeping: keeping)
    }
}

extension SampleKeeping {
    public var word: String {
        switch self {
        case .keeping: "keeping"
        case .kept: "kept"
        case .removedEarly: "removed-early"
        case .excursion: "excursion"
        }
    }

    public var wordZH: String {
        switch self {
        case .keeping: "留样中"
        case .kept: "已满 48 小时"
        case .removedEarly: "未满 48 小时被取出"
        case .excursion: "冰箱温度超出 0–8 °C"
        }
    }
}
