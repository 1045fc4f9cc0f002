import Gateway
import GatewayPorts
import KitchenModel
import KitchenRules
import Ledgers
import Logging
import Storage
import StorageModel
import Traceability
import WebAPI

extension APIDependencies {
    /// The HTTP layer over the gateway's real pieces and a real store, as `serve` wires it but
    /// without a broker: the state model, an alarm engine restored from the store (as at a start,
    /// so it holds the alarms already recorded there), the traceability service and metrics.
    /// Whatever the engine publishes goes nowhere.
    static func gateway(model: StateModel, store: any GatewayStore, clock: any WallClock, service: TraceabilityService? = nil,
                        rules: RuleConfig = RuleConfig(), ledgerKeyring: TicketKeyring = .generate(),
                        voiceClips: String? = nil) throws -> APIDependencies {
        let alarms = try AlarmEngine(config: rules, store: store, model: model, clock: clock, logger: Logger(label: "test"),
                                     webhookTargets: [], publish: { _, _ in })
        let traceability = service ?? TraceabilityService(
            store: store, batches: BatchCache(store: store, logger: Logger(label: "test")),
            issuer: TicketIssuer(keyring: .generate(), publicURL: "https://t.example.cn"))
        var dependencies = APIDependencies(sites: model, store: store, metrics: GatewayMetrics(), clock: clock, alarms: alarms,
                                           traceability: traceability,
                                           ledgers: LedgerBook(store: store, keyring: ledgerKeyring, clock: { clock.now() }),
                                           health: { HealthReport(mqttConnected: true, writeQueue: 0) })
        dependencies.rules = rules
        if let voiceClips {
            // Native cameras' speak commands go where the engine's messages go: nowhere.
            dependencies.voice = VoiceWarningService(alarms: alarms, model: model, clips: VoiceClips(directory: voiceClips),
                                                     client: CameraHTTPClient(), metrics: GatewayMetrics(), clock: clock,
                                                     logger: Logger(label: "test"), publish: { _, _ in })
        }
        return dependencies
    }
}
