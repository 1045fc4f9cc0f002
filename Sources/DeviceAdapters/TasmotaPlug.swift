import DeviceIngest
import KitchenModel

/// A Tasmota metering plug bound as a disinfector: STATE gives the switch, SENSOR `ENERGY` the
/// draw; `PlugRunTracker` decides status and runs.
enum TasmotaPlug {
    static func adapt(_ isSensor: Bool, _ fields: JSONFields, plug: PlugDisinfector, tracker: inout PlugRunTracker,
                      key: DeviceKey, receivedAt: EpochMillis, deviceTime: EpochMillis?) throws(Rejection) -> [AdaptedMessage] {
        let observation: PlugRunTracker.Observation
        if isSensor {
            observation = tracker.observe(switchedOn: nil, watts: try watts(fields), at: receivedAt, plug: plug)
        } else {
            observation = tracker.observe(switchedOn: try switchedOn(fields), watts: nil, at: receivedAt, plug: plug)
        }
        var made = [AdaptedMessage(DeviceMessage(key: key, receivedAt: receivedAt,
                                                 payload: .telemetry(.disinfector(observation.status))),
                                   deviceTime: deviceTime)]
        if let run = observation.completedRun {
            made.append(AdaptedMessage(DeviceMessage(key: key, receivedAt: receivedAt, payload: .event(.run(run))),
                                       deviceTime: deviceTime))
        }
        return made
    }

    /// `ENERGY.Power` in W; multi-channel meters send an array, whose first channel is used.
    private static func watts(_ fields: JSONFields) throws(Rejection) -> Double {
        guard let energy = try fields.object("ENERGY") else { throw fields.missing("ENERGY") }
        guard let value = energy.value("Power") else { throw energy.missing("Power") }
        if case .array = value {
            guard let first = try energy.scalars("Power", shape: "a number or an array of numbers")?.first else {
                throw Rejection(.wrongType, "field 'ENERGY.Power' is an empty array")
            }
            return try energy.number("Power", first, in: 0...100_000)
        }
        return try energy.number("Power", value, in: 0...100_000)
    }

    /// `POWER` on single-relay plugs, `POWER1` when the device has several relays.
    private static func switchedOn(_ fields: JSONFields) throws(Rejection) -> Bool {
        let key = fields.value("POWER") != nil ? "POWER" : "POWER1"
        guard let text = try fields.string(key) else { throw fields.missing("POWER") }
        switch text {
        case "ON": return true
        case "OFF": return false
        default: throw Rejection(.outOfRange, "field '\(key)' must be \"ON\" or \"OFF\", got \(FieldReader.quote(text))")
        }
    }
}
