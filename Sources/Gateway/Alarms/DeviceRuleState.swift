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

    /// Boxed in copy-on-write boxes rather than an indirect enum: an indirect case cannot be
    /// changed in place, so every reading copied a thermometer's rules out, allocated a new box
    /// and copied them back (issue 13 item 8). A box is only ever changed through
    /// ``modifyThermo(_:)`` / ``modifyDisinfection(_:)`` when this value holds its only reference,
    /// so copies of a `DeviceRuleState` never see each other's changes.
    private enum KindRules: Sendable {
        case none
        case thermo(RulesBox<ThermoRules>)
        case disinfection(RulesBox<DisinfectionRules>)
    }

    var thermo: ThermoRules? {
        get { if case .thermo(let box) = kindRules { box.rules } else { nil } }
        set { kindRules = newValue.map { .thermo(RulesBox($0)) } ?? .none }
    }

    var disinfection: DisinfectionRules? {
        get { if case .disinfection(let box) = kindRules { box.rules } else { nil } }
        set { kindRules = newValue.map { .disinfection(RulesBox($0)) } ?? .none }
    }

    /// Whether the device has a thermometer's rules (without copying them out, as `thermo != nil` does).
    var hasThermo: Bool { if case .thermo = kindRules { true } else { false } }

    /// Changes a thermometer's rules in place; nil (and `body` not run) if the device has none.
    mutating func modifyThermo<R>(_ body: (inout ThermoRules) -> R) -> R? {
        guard case .thermo(var box) = kindRules else { return nil }
        kindRules = .none   // so `box` is the only reference unless a copy of this state shares it
        if !isKnownUniquelyReferenced(&box) { box = RulesBox(box.rules) }
        defer { kindRules = .thermo(box) }
        return body(&box.rules)
    }

    /// Changes a disinfector's rules in place; nil (and `body` not run) if the device has none.
    mutating func modifyDisinfection<R>(_ body: (inout DisinfectionRules) -> R) -> R? {
        guard case .disinfection(var box) = kindRules else { return nil }
        kindRules = .none
        if !isKnownUniquelyReferenced(&box) { box = RulesBox(box.rules) }
        defer { kindRules = .disinfection(box) }
        return body(&box.rules)
    }

    /// A delay or recovery timer is running: losing this state to a crash would restart it.
    var hasRunningTimer: Bool {
        guard case .thermo(let box) = kindRules else { return false }
        func running(_ tracker: ExcursionTracker) -> Bool { tracker.outsideSince != nil || tracker.isRaised }
        return running(box.rules.tooWarm) || running(box.rules.tooCold) || running(box.rules.humidityHigh)
    }

    init(config: DeviceConfig, intervalSeconds: Int, startedAt: EpochMillis, lastHeardAt: EpochMillis? = nil) {
        presence = PresenceRules(device: config.key, intervalSeconds: intervalSeconds, gatewayStartedAt: startedAt,
                                 lastHeardAt: lastHeardAt)
        switch config.kind {
        // A 留样柜's fridge is judged like any thermometer in its zone (`sample` by default: 0–8 °C).
        case .thermo, .sampler: kindRules = .thermo(RulesBox(ThermoRules(device: config.key)))
        case .disinfector:
            kindRules = .disinfection(RulesBox(DisinfectionRules(device: config.key, schedule: nil, since: startedAt)))
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
            kindRules = .thermo(RulesBox(thermo))
        } else if let disinfection = try c.decodeIfPresent(DisinfectionRules.self, forKey: .disinfection) {
            kindRules = .disinfection(RulesBox(disinfection))
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

/// One kind's rules on the heap (see `DeviceRuleState.KindRules`). `@unchecked Sendable`: a box is
/// changed only by its sole owner (`isKnownUniquelyReferenced`), so a shared box is never written.
final class RulesBox<Rules: Sendable>: @unchecked Sendable {
    var rules: Rules
    init(_ rules: Rules) { self.rules = rules }
}
