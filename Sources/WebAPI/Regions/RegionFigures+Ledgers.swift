import KitchenModel
import KitchenRules

extension RegionFigures {
    /// The alarms that say a site is missing a ledger record: no 晨检 by opening time, or 令60's
    /// daily check, weekly review or monthly meeting missed (docs/ledgers.md).
    static let ledgerAlarmKinds: Set<AlarmKind> = [.morningCheckMissed, .dailyCheckMissed, .weeklyReviewMissed, .monthlyMeetingMissed]

    /// Counts the alarm's site once, while its condition holds: an alarm left open for people to
    /// close after the record was filed no longer means a missing ledger.
    mutating func countMissingLedger(_ alarm: AlarmRecord) {
        guard Self.ledgerAlarmKinds.contains(alarm.kind), !alarm.conditionCleared else { return }
        missingLedgerSites.insert(alarm.device.site.rawValue)
        sitesMissingLedgers = missingLedgerSites.count
    }
}
