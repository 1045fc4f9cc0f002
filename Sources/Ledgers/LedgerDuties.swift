import KitchenModel
import StorageModel

/// The records a site owes by a deadline (docs/ledgers.md "Reminders and alarms"): 令60's daily
/// check, weekly review and monthly meeting, and a school's 陪餐 at each meal service. A duty not
/// done near the end of its period is a **reminder** to the site (sheet, 今日台账 card, API); a
/// period that ended without it is **overdue**, which the gateway raises as an alarm to the
/// regulator through the alarm engine's closed loop. 陪餐 stays a reminder.
public enum LedgerDuty: String, Sendable, CaseIterable, Encodable {
    case dailyCheck = "daily-check"
    case weeklyReview = "weekly-review"
    case monthlyMeeting = "monthly-meeting"

    public var length: LedgerPeriod.Length {
        switch self {
        case .dailyCheck: .day
        case .weeklyReview: .week
        case .monthlyMeeting: .month
        }
    }

    /// The ledger kind that fulfils the duty.
    public var kind: String { rawValue }

    /// The alarm raised for a period that ended without the record.
    public var alarmKind: AlarmKind {
        switch self {
        case .dailyCheck: .dailyCheckMissed
        case .weeklyReview: .weeklyReviewMissed
        case .monthlyMeeting: .monthlyMeetingMissed
        }
    }

    public var titleZH: String {
        switch self {
        case .dailyCheck: "日管控"
        case .weeklyReview: "周排查"
        case .monthlyMeeting: "月调度"
        }
    }

    /// When a period still without its record starts reminding: the daily check once the day's
    /// last service has ended (20:00 for a site open around the clock), the weekly review from
    /// Friday, the monthly meeting from the 25th.
    public func remindFrom(_ period: LedgerPeriod, hours: OperatingHours) -> EpochMillis {
        switch self {
        case .dailyCheck:
            let closing = hours.intervals.filter { $0.end > $0.start && $0.end < 24 * 60 }.map(\.end).max() ?? 20 * 60
            return period.start + EpochMillis(closing) * 60_000
        case .weeklyReview: return period.first.adding(days: 4).start
        case .monthlyMeeting: return period.first.adding(days: 24).start
        }
    }
}

public struct DutyStatus: Sendable {
    public var duty: LedgerDuty
    /// The period now running.
    public var period: LedgerPeriod
    public var done: Bool
    /// Not done, and its reminder time has come.
    public var reminder: Bool
    /// The previous period, when it ended without the record (and the site kept ledgers all through it).
    public var overdue: LedgerPeriod?
}

/// One meal service (an opening interval of the site's hours) and its 陪餐 record.
public struct MealServiceStatus: Sendable {
    /// `11:00-13:00`.
    public var label: String
    public var start: EpochMillis
    public var end: EpochMillis
    public var done: Bool
    /// The service is over and nobody recorded eating with the pupils.
    public var reminder: Bool
}

/// What one site owes today.
public struct SiteLedgerDuties: Sendable {
    public var site: SiteID
    public var duties: [DutyStatus]
    /// Empty unless the site keeps 陪餐 (``MealEscortDesk/siteKinds``).
    public var meals: [MealServiceStatus]

    public var reminders: Int { duties.filter(\.reminder).count + meals.filter(\.reminder).count }
    public var overdue: [LedgerDuty] { duties.filter { $0.overdue != nil }.map(\.duty) }
}

public enum LedgerDuties {
    /// A 陪餐 record counts for a service when made from 30 min before it to 60 min after it.
    static let mealSlack: (before: EpochMillis, after: EpochMillis) = (30 * 60_000, 60 * 60_000)

    /// `site`'s duties at `now`, read from its ledger.
    public static func status(_ site: SiteConfig, store: any LedgerEntryStore, now: EpochMillis) throws -> SiteLedgerDuties {
        let today = CivilDay(containing: now)
        let firstRecorded = try store.ledgerEntries(site: site.id, fromSeq: 1, limit: 1).first?.recordedAt
        var duties: [DutyStatus] = []
        for duty in LedgerDuty.allCases {
            let period = LedgerPeriod(duty.length, containing: today)
            let previous = period.previous
            let times = try store.ledgerEntries(site: site.id, kind: duty.kind).map(\.at)
                .filter { $0 >= previous.start && $0 < period.endTime }
            let done = times.contains(where: period.contains)
            let keptLedgers = firstRecorded.map { $0 <= previous.start } ?? false
            duties.append(DutyStatus(duty: duty, period: period, done: done,
                                     reminder: !done && now >= duty.remindFrom(period, hours: site.hours),
                                     overdue: keptLedgers && !times.contains(where: previous.contains) ? previous : nil))
        }
        var meals: [MealServiceStatus] = []
        if MealEscortDesk.siteKinds.contains(site.kind) {
            let escorts = try MealEscortDesk.records(site.id, on: today, store: store).map(\.at)
            for interval in site.hours.intervals where interval.end > interval.start && interval.end - interval.start < 24 * 60 {
                let start = today.start + EpochMillis(interval.start) * 60_000
                let end = today.start + EpochMillis(interval.end) * 60_000
                let done = escorts.contains { $0 >= start - mealSlack.before && $0 < end + mealSlack.after }
                meals.append(MealServiceStatus(label: "\(clock(interval.start))-\(clock(interval.end))", start: start, end: end,
                                               done: done, reminder: !done && now >= end))
            }
        }
        return SiteLedgerDuties(site: site.id, duties: duties, meals: meals)
    }

    /// For the alarm engine: per alarm kind, the sites whose last period ended without the record
    /// (`missing`) and those whose did not (`fine`, to clear). Surveyed: the sites with active
    /// staff on their ledger, like the morning-check survey.
    public static func survey(_ sites: [SiteConfig], store: any LedgerEntryStore, now: EpochMillis) throws
        -> (missing: [AlarmKind: Set<SiteID>], fine: [AlarmKind: Set<SiteID>]) {
        let withLedgers = Set(try store.ledgerSites())
        var missing: [AlarmKind: Set<SiteID>] = [:]
        var fine: [AlarmKind: Set<SiteID>] = [:]
        for site in sites where withLedgers.contains(site.id) {
            guard try StaffDesk.activeCount(site.id, store: store) > 0 else { continue }
            for status in try Self.status(site, store: store, now: now).duties {
                if status.overdue != nil {
                    missing[status.duty.alarmKind, default: []].insert(site.id)
                } else {
                    fine[status.duty.alarmKind, default: []].insert(site.id)
                }
            }
        }
        return (missing, fine)
    }

    private static func clock(_ minutes: Int) -> String {
        CivilDate.pad(Int64(minutes / 60), 2) + ":" + CivilDate.pad(Int64(minutes % 60), 2)
    }
}

extension StaffDesk {
    static func activeCount(_ site: SiteID, store: any LedgerEntryStore) throws -> Int {
        StaffRoster(entries: try store.ledgerEntries(site: site, kind: StaffRoster.kind)).sorted.filter(\.active).count
    }
}
