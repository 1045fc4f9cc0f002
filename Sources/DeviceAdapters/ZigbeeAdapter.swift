import DeviceIngest
import KitchenModel

/// zigbee2mqtt with the default base topic `zigbee2mqtt`:
/// - `zigbee2mqtt/<friendly_name>`: JSON state, here `temperature` (°C), `humidity` (%),
///   `battery` (%), `voltage` (mV), `linkquality` (0-255), optional `last_seen`;
/// - `zigbee2mqtt/<friendly_name>/availability`: `{"state":"online"}` or, with
///   `legacy_availability_payload: true`, the bare word `online`/`offline`;
/// - `zigbee2mqtt/bridge/state`: the same two forms for the bridge itself; `offline` takes
///   every bound zigbee2mqtt device offline (none of them can report any more).
/// Friendly names may contain `/`. `bridge/*` topics and a device's `set`/`get` are ignored.
enum ZigbeeAdapter {
    static let baseTopic = "zigbee2mqtt"

    enum Message: Equatable {
        case state(name: String)
        case availability(name: String)
        case bridgeState
        case other(String)
    }

    static func parse(_ topic: String) -> Message? {
        guard topic.hasPrefix(baseTopic + "/") else { return nil }
        let rest = topic.dropFirst(baseTopic.count + 1)
        let segments = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.contains(where: \.isEmpty) else { return .other("topic with an empty segment") }
        if segments[0] == "bridge" { return segments.count == 2 && segments[1] == "state" ? .bridgeState : .other("bridge topic") }
        if segments.dropFirst().contains(where: { $0 == "set" || $0 == "get" }) { return .other("a command to a device") }
        if segments.count > 1, segments.last == "availability" {
            return .availability(name: segments.dropLast().joined(separator: "/"))
        }
        return .state(name: String(rest))
    }

    static func adapt(_ message: Message, _ payload: UnsafeRawBufferPointer, bindings: SourceBindings,
                      receivedAt: EpochMillis, limits: IngestLimits) -> AdapterOutcome {
        var results = BindingResults()
        switch message {
        case .other(let what):
            return .ignored("zigbee2mqtt \(what)")
        case .bridgeState:
            let online: Bool
            do { online = try availability(payload, limits: limits) } catch { return .rejected(error) }
            // An online bridge says nothing about its devices: they report themselves.
            guard !online else { return .ignored("zigbee2mqtt bridge is online") }
            for binding in bindings.all(.zigbee2mqtt) {
                results.add(binding.key) { () throws(Rejection) in [.presence(binding.key, online: false, receivedAt: receivedAt)] }
            }
            return results.outcome(nothingFor: "no zigbee2mqtt device is bound")
        case .availability(let name):
            let bound = bindings.bindings(.zigbee2mqtt, name)
            guard !bound.isEmpty else { return .unmapped(family: .zigbee2mqtt, sourceID: name) }
            let online: Bool
            do { online = try availability(payload, limits: limits) } catch { return .rejected(error) }
            for binding in bound {
                results.add(binding.key) { () throws(Rejection) in [.presence(binding.key, online: online, receivedAt: receivedAt)] }
            }
            return results.outcome(nothingFor: "no binding")
        case .state(let name):
            let bound = bindings.bindings(.zigbee2mqtt, name)
            guard !bound.isEmpty else { return .unmapped(family: .zigbee2mqtt, sourceID: name) }
            let fields: JSONFields
            do { fields = try JSONFields.read(payload, limits: limits) } catch { return .rejected(error) }
            for binding in bound {
                results.add(binding.key) { () throws(Rejection) in
                    let (reading, deviceTime) = try thermo(fields, receivedAt: receivedAt, limits: limits)
                    return [AdaptedMessage(DeviceMessage(key: binding.key, receivedAt: receivedAt,
                                                         payload: .telemetry(.thermo(reading))),
                                           deviceTime: deviceTime)]
                }
            }
            return results.outcome(nothingFor: "no binding")
        }
    }

    /// zigbee2mqtt reports °C whatever the device's display shows. `voltage` and `linkquality`
    /// are checked but not kept: `ThermoReading` has no field for them.
    static func thermo(_ fields: JSONFields, receivedAt: EpochMillis,
                       limits: IngestLimits) throws(Rejection) -> (ThermoReading, EpochMillis?) {
        let celsius = try fields.number("temperature", in: ProtocolRanges.thermoCelsius)
        let humidity = try fields.number("humidity", in: ProtocolRanges.percent)
        let battery = try fields.number("battery", in: ProtocolRanges.percent)
        _ = try fields.number("voltage", in: 0...100_000)
        _ = try fields.number("linkquality", in: 0...255)
        guard celsius != nil || humidity != nil else {
            throw Rejection(.missingField, "zigbee2mqtt state has no 'temperature' or 'humidity': is this a thermometer?")
        }
        return (ThermoReading(celsius: celsius, humidity: humidity, battery: battery),
                try lastSeen(fields, receivedAt: receivedAt, limits: limits))
    }

    /// `last_seen` is off by default; `epoch` gives milliseconds, `ISO_8601`/`ISO_8601_local` a
    /// zoned text time.
    private static func lastSeen(_ fields: JSONFields, receivedAt: EpochMillis,
                                 limits: IngestLimits) throws(Rejection) -> EpochMillis? {
        switch fields.value("last_seen") {
        case .number(let n)?:
            guard let millis = n.exactInt else { return nil }
            return DeviceClock.plausible(millis, receivedAt: receivedAt, limits: limits)
        case .string?:
            return (try fields.string("last_seen")).flatMap(DeviceClock.fromISO8601)
                .flatMap { DeviceClock.plausible($0, receivedAt: receivedAt, limits: limits) }
        case nil:
            return nil
        case let other?:
            throw Rejection(.wrongType, "field 'last_seen' must be a number or a string, got \(other.typeDescription)")
        }
    }

    /// `{"state":"online"}` (current) or `online` (legacy_availability_payload).
    private static func availability(_ payload: UnsafeRawBufferPointer, limits: IngestLimits) throws(Rejection) -> Bool {
        guard PlainTextPayload.isJSONObject(payload) else {
            return try PlainTextPayload.word(payload, among: PlainTextPayload.onlineOffline)
        }
        let fields = try JSONFields.read(payload, limits: limits)
        let state = try fields.requiredString("state")
        guard let online = PlainTextPayload.onlineOffline[state] else {
            throw Rejection(.outOfRange, "field 'state' must be \"online\" or \"offline\", got \(FieldReader.quote(state))")
        }
        return online
    }
}
