import DeviceAdapters
import DeviceIngest
import KitchenModel

/// The gateway clock the tests adapt at: 2025-11-22T02:41:00Z.
let now: EpochMillis = 1_763_779_260_000

func key(_ site: String, _ device: String) -> DeviceKey {
    DeviceKey(site: SiteID(site)!, device: DeviceID(device)!)
}

func router(_ sources: [DeviceKey: DeviceSource]) throws -> ThirdPartyRouter {
    ThirdPartyRouter(bindings: try SourceBindings(sources))
}

extension ThirdPartyRouter {
    mutating func adapt(_ topic: String, _ payload: String, at time: EpochMillis = now) -> AdapterOutcome {
        adapt(topic: topic, payload: Array(payload.utf8), receivedAt: time)
    }
}

extension AdapterOutcome {
    var adapted: [AdaptedMessage] {
        if case .messages(let m, _) = self { return m }
        return []
    }

    var messages: [DeviceMessage] { adapted.map(\.message) }
    var payloads: [DevicePayload] { messages.map(\.payload) }

    var problems: [BindingProblem] {
        if case .messages(_, let p) = self { return p }
        return []
    }

    var rejection: Rejection? {
        if case .rejected(let r) = self { return r }
        return nil
    }

    var isIgnored: Bool {
        if case .ignored = self { return true }
        return false
    }

    var thermo: ThermoReading? {
        guard payloads.count == 1, case .telemetry(.thermo(let r)) = payloads[0] else { return nil }
        return r
    }

    var detection: Detection? {
        guard payloads.count == 1, case .event(.detection(let d)) = payloads[0] else { return nil }
        return d
    }
}

func presence(_ online: Bool) -> DevicePayload { .state(Presence(online: online, boot: 0)) }
