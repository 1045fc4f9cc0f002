import KitchenModel
import KitchenRules

extension AlarmEngine {
    /// 令60's records (docs/ledgers.md "Reminders and alarms"): raises `daily_check_missed`,
    /// `weekly_review_missed` or `monthly_meeting_missed` on a site's `_ledger` pseudo device when
    /// its last day, week or month ended without the record (the site was reminded before), and
    /// clears the condition when it no longer holds (a late record of that period, or the next
    /// period done). The caller reads the ledger outside this lock (`LedgerDuties.survey`).
    public func ledgerDuties(missing: [AlarmKind: Set<SiteID>], fine: [AlarmKind: Set<SiteID>], now: EpochMillis) {
        let registry = model.registry
        state.withLock { s in
            for kind in Set(missing.keys).union(fine.keys).sorted(by: { $0.rawValue < $1.rawValue }) {
                let late = missing[kind] ?? []
                let done = fine[kind] ?? []
                for site in late.union(done).sorted() {
                    guard let config = registry.site(site) else { continue }
                    let device = DeviceKey(site: site, device: Self.ledgerDevice)
                    let identity = AlarmIdentity(device: device, kind: kind)
                    // As for morning checks: an alarm whose condition cleared stays open until
                    // people close it; a period missed again raises another occurrence.
                    let active = s.open[identity].map { !$0.conditionCleared } ?? false
                    let signal: AlarmSignal
                    if late.contains(site), !active {
                        signal = AlarmSignal(.raise, kind, device: device, at: now, detail: AlarmDetail(
                            message: "\(kind.titleZH)：上一周期无记录（已提醒场所）",
                            messageEN: "\(kind.titleEN): the last period ended without the record (the site was reminded)"))
                    } else if done.contains(site), active {
                        signal = AlarmSignal(.clear, kind, device: device, at: now, detail: AlarmDetail(
                            message: "已补记或本周期已完成", messageEN: "record filed"))
                    } else {
                        continue
                    }
                    guard let step = lifecycle.apply(signal, to: s.open[identity], newID: Self.newID) else { continue }
                    commit(step, site: config, in: &s)
                }
            }
            handOff(&s)
        }
    }
}
