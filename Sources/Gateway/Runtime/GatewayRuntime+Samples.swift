import KitchenModel
import Ledgers
import Logging

extension GatewayRuntime {
    /// Once a minute (and on the first tick): the 留样 findings of every site with a meal plan
    /// (ledger and fridge readings read here, outside the alarm engine's lock).
    static func surveySamples(_ p: StageParts, now: EpochMillis) {
        do {
            let survey = try SampleJudge(ledger: p.store, readings: p.store).survey(Array(p.model.registry.sites.keys), now: now)
            guard !survey.isEmpty else { return }
            p.alarms.samples(survey.mapValues(AlarmEngine.SampleConditions.init), now: now)
        } catch {
            p.logger.error("cannot survey samples", metadata: ["error": "\(error)"])
        }
    }
}
