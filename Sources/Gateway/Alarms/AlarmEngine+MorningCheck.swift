import KitchenModel
import KitchenRules

extension AlarmEngine {
    /// The pseudo device a site's ledger alarms are raised on (like `_violations`).
    public static let ledgerDevice = DeviceID("_ledger")!

    /// Raises `morning_check_missed` for each site in `missing` whose alarm is not active, and
    /// clears the condition for each site in `fine` whose alarm is (a check arrived, or a new day began). The caller works
    /// out both sets from the ledger outside this lock (`MorningCheckRules.survey`).
    public func morningChecks(missing: Set<SiteID>, fine: Set<SiteID>, now: EpochMillis) {
        let registry = model.registry
        state.withLock { s in
            for site in missing.union(fine).sorted() {
                guard let config = registry.site(site) else { continue }
                let device = DeviceKey(site: site, device: Self.ledgerDevice)
                let identity = AlarmIdentity(device: device, kind: .morningCheckMissed)
                // An open alarm whose condition cleared stays open for people to close (the
                // closed loop); a day missed again raises it again (another occurrence).
                let active = s.open[identity].map { !$0.conditionCleared } ?? false
                let signal: AlarmSignal
                if missing.contains(site), !active {
                    signal = AlarmSignal(.raise, .morningCheckMissed, device: device, at: now, detail: AlarmDetail(
                        message: "营业开始前未完成从业人员晨检", messageEN: "no staff morning health check before opening"))
                } else if fine.contains(site), active {
                    signal = AlarmSignal(.clear, .morningCheckMissed, device: device, at: now, detail: AlarmDetail(
                        message: "已完成晨检", messageEN: "morning check recorded"))
                } else {
                    continue
                }
                guard let step = lifecycle.apply(signal, to: s.open[identity], newID: Self.newID) else { continue }
                commit(step, site: config, in: &s)
            }
            handOff(&s)
        }
    }
}
