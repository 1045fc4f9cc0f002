import KitchenModel
import Ledgers
import Logging

extension GatewayRuntime {
    /// Once a minute (and on the first tick): which sites with staff on their ledger have no
    /// 晨检 by opening time. The store is read here, outside the alarm engine's lock.
    static func surveyMorningChecks(_ p: StageParts, now: EpochMillis) {
        do {
            let survey = try MorningCheckRules.survey(Array(p.model.registry.sites.values), store: p.store, now: now)
            guard !survey.missing.isEmpty || !survey.fine.isEmpty else { return }
            p.alarms.morningChecks(missing: survey.missing, fine: survey.fine, now: now)
        } catch {
            p.logger.error("cannot survey morning checks", metadata: ["error": "\(error)"])
        }
    }
}
