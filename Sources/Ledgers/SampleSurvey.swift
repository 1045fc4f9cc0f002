import KitchenModel
import StorageModel

/// A dish of a meal, as alarms and sheets name it: `午餐 番茄炒蛋`.
public struct DishRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var meal: Meal
    public var dish: String
    public var day: CivilDay

    public init(meal: Meal, dish: String, day: CivilDay) {
        self.meal = meal
        self.dish = dish
        self.day = day
    }

    public var description: String { "\(day) \(meal.nameZH) \(dish)" }

    public static func < (a: Self, b: Self) -> Bool {
        (a.day, Meal.allCases.firstIndex(of: a.meal)!, a.dish) < (b.day, Meal.allCases.firstIndex(of: b.meal)!, b.dish)
    }
}

/// The first reading of a sample's fridge outside 0–8 °C during the sample's window.
public struct FridgeExcursion: Sendable, Hashable {
    public var celsius: Double
    public var at: EpochMillis

    public init(celsius: Double, at: EpochMillis) {
        self.celsius = celsius
        self.at = at
    }
}

/// How a sample fares against its 48 h at 0–8 °C, as far as `now`.
public enum SampleKeeping: Sendable, Hashable {
    /// Its 48 h are still running, no problem so far.
    case keeping
    /// 48 h passed in the fridge within range.
    case kept
    case removedEarly(at: EpochMillis)
    case excursion(FridgeExcursion)

    public var isFinding: Bool {
        switch self {
        case .keeping, .kept: false
        case .removedEarly, .excursion: true
        }
    }
}

/// The 留样 rules applied to a site's ledger and its fridges' readings.
public struct SampleJudge: Sendable {
    public let ledger: any LedgerEntryStore
    public let readings: any ReadingQueries

    public init(ledger: any LedgerEntryStore, readings: any ReadingQueries) {
        self.ledger = ledger
        self.readings = readings
    }

    /// Keeping of each of `samples` (by seq) up to `now`: removal first, then the fridge's readings
    /// over the whole window (from the sample's time to its removal, its 48 h end or now).
    public func keeping(_ samples: [KeptSample], site: SiteID, now: EpochMillis) throws -> [Int64: SampleKeeping] {
        var result: [Int64: SampleKeeping] = [:]
        for (fridge, group) in Dictionary(grouping: samples, by: \.input.fridge) {
            let until = group.map { min($0.windowEnd, $0.removal?.at ?? .max, now) }.max() ?? now
            let since = group.map(\.input.at).min() ?? now
            let outside = try DeviceID(fridge).map { try excursions(DeviceKey(site: site, device: $0), since: since, until: until) } ?? []
            for sample in group {
                let end = min(sample.windowEnd, sample.removal?.at ?? .max, now)
                if let hit = outside.first(where: { $0.at >= sample.input.at && $0.at <= end }) {
                    result[sample.seq] = .excursion(hit)
                } else if sample.removedEarly, let removal = sample.removal {
                    result[sample.seq] = .removedEarly(at: removal.at)
                } else {
                    result[sample.seq] = now >= sample.windowEnd || sample.removal != nil ? .kept : .keeping
                }
            }
        }
        return result
    }

    /// Readings of `fridge` in `[since, until]` outside 0–8 °C (sensor faults left to the thermometer
    /// rules). The hourly min/max of `t` (folded rollups, or open hours computed by the store) rule out
    /// the hours that stayed in range; only the others are read reading by reading, so a survey of
    /// three days of a fridge costs a few dozen rows, not thousands.
    func excursions(_ fridge: DeviceKey, since: EpochMillis, until: EpochMillis) throws -> [FridgeExcursion] {
        let hours = try readings.rollups(of: fridge, metric: "t", since: since, until: until + 1)
            .filter { !SampleRules.fridgeRange.contains($0.min) || !SampleRules.fridgeRange.contains($0.max) }
        var found: [FridgeExcursion] = []
        for hour in hours {
            let from = max(hour.hourStart, since), to = min(hour.hourStart + 3_600_000, until + 1)
            guard from < to else { continue }
            for row in try readings.readings(of: fridge, since: from, until: to, limit: 100_000) {
                guard case .thermo(let reading) = row.readings, let t = reading.celsius,
                      SampleRules.plausibleC.contains(t), !SampleRules.fridgeRange.contains(t) else { continue }
                found.append(FridgeExcursion(celsius: t, at: row.deviceTime))
            }
        }
        return found.sorted { $0.at < $1.at }
    }

    /// What a site's samples say now: dishes of meals served today (service over) with no sample
    /// of ≥ 125 g, and samples of the last three days removed early or kept out of range.
    public struct Findings: Sendable, Hashable {
        public var missing: [DishRef] = []
        public var removedEarly: [DishRef] = []
        public var excursions: [DishRef] = []
    }

    /// How long a removal or an excursion stays a finding after the sample was taken: its 48 h and a day.
    public static let findingWindow: EpochMillis = 72 * 3_600_000

    public func findings(site: SiteID, plans: MealPlans, now: EpochMillis) throws -> Findings {
        let today = CivilDay(containing: now)
        let log = try SampleDesk.log(site, since: now - Self.findingWindow, until: now + LedgerBook.futureTolerance + 1,
                                     store: ledger)
        var findings = Findings()
        if let plan = plans.plan(on: today) {
            let taken = log.taken(on: today)
            for meal in plan.meals where meal.end(on: today) <= now {
                for dish in meal.dishes where !taken.contains(where: { $0.input.meal == meal.meal && $0.input.dish == dish && $0.record.enough }) {
                    findings.missing.append(DishRef(meal: meal.meal, dish: dish, day: today))
                }
            }
        }
        // A sample may have both: an excursion while it was in, and an early removal.
        let keeping = try keeping(log.samples, site: site, now: now)
        for sample in log.samples {
            let ref = DishRef(meal: sample.input.meal, dish: sample.input.dish, day: CivilDay(containing: sample.input.at))
            if sample.removedEarly { findings.removedEarly.append(ref) }
            if case .excursion = keeping[sample.seq] { findings.excursions.append(ref) }
        }
        findings.removedEarly = Array(Set(findings.removedEarly)).sorted()
        findings.excursions = Array(Set(findings.excursions)).sorted()
        return findings
    }

    /// Every site of `sites` with a meal plan on its ledger, with its findings now.
    public func survey(_ sites: [SiteID], now: EpochMillis) throws -> [SiteID: Findings] {
        let withLedgers = Set(try ledger.ledgerSites())
        var result: [SiteID: Findings] = [:]
        for site in sites where withLedgers.contains(site) {
            let plans = MealPlans(entries: try ledger.ledgerEntries(site: site, kind: MealPlan.kind))
            guard !plans.isEmpty else { continue }
            result[site] = try findings(site: site, plans: plans, now: now)
        }
        return result
    }
}
