import KitchenModel
import KitchenRules

/// All rule state of one device, persisted as JSON so running delays, incident windows
/// and schedules survive a restart.
///
/// The kind-specific rules sit behind an indirect enum: a thermometer's rules are ~450
/// bytes, and keeping every kind's inline would cost a province-sized fleet tens of MB.
struct DeviceRuleState: Sendable, Codable {
    var presence: PresenceRules
    private var kindRules: KindRules

    private indirect enum KindRules: Sendable {
        case none
        case thermo(ThermoRules)
        case disinfection(DisinfectionRules)
    }

    var thermo: ThermoRules? {
        get { if case .thermo(let rules) = kindRules { rules } else { nil } }
        set { kindRules = newValue.map(KindRules.thermo) ?? .none }
    }

    var disinfection: DisinfectionRules? {
        get { if case .disinfection(let rules) = kindRules { rules } else { nil } }
        set { kindRules = newValue.map(KindRules.disinfection) ?? .none }
    }

    /// A delay or recovery timer is running: losing this state to a crash would restart it.
    var hasRunningTimer: Bool {
        guard let thermo else { return false }
        return [thermo.tooWarm, thermo.tooCold, thermo.humidityHigh].contains { $0.outsideSince != nil || $0.isRaised }
    }

    init(config: DeviceConfig, intervalSeconds: Int, startedAt: EpochMillis, lastHeardAt: EpochMillis? = nil) {
        presence = PresenceRules(device: config.key, intervalSeconds: intervalSeconds, gatewayStartedAt: startedAt,
                                 lastHeardAt: lastHeardAt)
        switch config.kind {
        // A 留样柜's fridge is judged like any thermometer in its zone (`sample` by default: 0–8 °C).
        case .thermo, .sampler: kindRules = .thermo(ThermoRules(device: config.key))
        case .disinfector: kindRules = .disinfection(DisinfectionRules(device: config.key, schedule: nil, since: startedAt))
        case .camera, .scale, .checker: kindRules = .none
        }
    }

    enum CodingKeys: String, CodingKey {
        case presence, thermo, disinfection
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        presence = try c.decode(PresenceRules.self, forKey: .presence)
        if let thermo = try c.decodeIfPresent(ThermoRules.self, forKey: .thermo) {
            kindRules = .thermo(thermo)
        } else if let disinfection = try c.decodeIfPresent(DisinfectionRules.self, forKey: .disinfection) {
            kindRules = .disinfection(disinfection)
        } else {
            kindRules = .none
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(presence, forKey: .presence)
        try c.encodeIfPresent(thermo, forKey: .thermo)
        try c.encodeIfPresent(disinfection, forKey: .disinfection)
    }
}
