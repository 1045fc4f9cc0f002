import KitchenModel
import KitchenRules
import Ledgers

extension AlarmEngine {
    /// The 留样 alarms of one surveyed site, each on the site's `_ledger` pseudo device: the
    /// dishes (and meals) each names, or none when its condition is over.
    public struct SampleConditions: Sendable {
        public var missing: [DishRef]
        public var removedEarly: [DishRef]
        public var excursions: [DishRef]

        public init(_ findings: SampleJudge.Findings) {
            missing = findings.missing
            removedEarly = findings.removedEarly
            excursions = findings.excursions
        }
    }

    /// Raises `sample_missing`, `sample_removed_early` and `sample_fridge_excursion` for each site
    /// whose findings name dishes and whose alarm is not active, and clears the condition of an
    /// active one whose findings are empty. The caller reads the ledger and readings outside this
    /// lock (``SampleJudge/survey(_:now:)``). An alarm names the dishes found when it is raised.
    public func samples(_ surveyed: [SiteID: SampleConditions], now: EpochMillis) {
        let registry = model.registry
        state.withLock { s in
            for (site, conditions) in surveyed.sorted(by: { $0.key < $1.key }) {
                guard let config = registry.site(site) else { continue }
                let device = DeviceKey(site: site, device: Self.ledgerDevice)
                for (kind, dishes) in [(AlarmKind.sampleMissing, conditions.missing), (.sampleRemovedEarly, conditions.removedEarly),
                                       (.sampleFridgeExcursion, conditions.excursions)] {
                    let identity = AlarmIdentity(device: device, kind: kind)
                    let active = s.open[identity].map { !$0.conditionCleared } ?? false
                    let signal: AlarmSignal
                    if !dishes.isEmpty, !active {
                        signal = AlarmSignal(.raise, kind, device: device, at: now, detail: Self.sampleDetail(kind, dishes))
                    } else if dishes.isEmpty, active {
                        signal = AlarmSignal(.clear, kind, device: device, at: now, detail: AlarmDetail(
                            message: "留样情况已恢复", messageEN: "sample condition over"))
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

    /// `午餐 番茄炒蛋、红烧肉 …`: up to five dishes by meal, then how many more.
    static func sampleDetail(_ kind: AlarmKind, _ dishes: [DishRef]) -> AlarmDetail {
        let shown = dishes.prefix(5)
        let more = dishes.count - shown.count
        let zh = shown.map { "\($0.meal.nameZH) \($0.dish)" }.joined(separator: "、") + (more > 0 ? " 等 \(dishes.count) 项" : "")
        let en = shown.map { "\($0.meal.rawValue) \($0.dish)" }.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
        return switch kind {
        case .sampleMissing:
            AlarmDetail(message: "供餐结束仍未留样（≥125 克）：\(zh)", messageEN: "no sample of at least 125 g by the end of service: \(en)")
        case .sampleRemovedEarly:
            AlarmDetail(message: "留样未满 48 小时被取出：\(zh)", messageEN: "sample removed before 48 h: \(en)")
        default:
            AlarmDetail(message: "留样期间冰箱温度超出 0–8 °C：\(zh)", messageEN: "sample fridge outside 0-8 °C during retention: \(en)")
        }
    }
}
