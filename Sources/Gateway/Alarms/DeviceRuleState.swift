import KitchenModel
import KitchenRules

/// All rule state of one device, persisted as JSON so running delays, incident windows
/// and schedules survive a restart.
struct DeviceRuleState: Sendable, Codable {
    var presence: PresenceRules
    var thermo: ThermoRules?
    var disinfection: DisinfectionRules?

    init(config: DeviceConfig, intervalSeconds: Int, startedAt: EpochMillis, lastHeardAt: EpochMillis? = nil) {
        presence = PresenceRules(device: config.key, intervalSeconds: intervalSeconds, gatewayStartedAt: startedAt,
                                 lastHeardAt: lastHeardAt)
        switch config.kind {
        case .thermo: thermo = ThermoRules(device: config.key)
        case .disinfector: disinfection = DisinfectionRules(device: config.key, schedule: nil, since: startedAt)
        case .camera, .scale: break
        }
    }
}
