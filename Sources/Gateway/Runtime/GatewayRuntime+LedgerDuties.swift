import KitchenModel
import Ledgers
import Logging

extension GatewayRuntime {
    /// With the morning-check survey, once a minute: which sites' last day, week or month ended
    /// without 令60's record. The store is read here, outside the alarm engine's lock.
    static func surveyLedgerDuties(_ p: StageParts, now: EpochMillis) {
        do {
            let survey = try LedgerDuties.survey(Array(p.model.registry.sites.values), store: p.store, now: now)
            guard !survey.missing.isEmpty || !survey.fine.isEmpty else { return }
            p.alarms.ledgerDuties(missing: survey.missing, fine: survey.fine, now: now)
        } catch {
            p.logger.error("cannot survey ledger duties", metadata: ["error": "\(error)"])
        }
    }
}
