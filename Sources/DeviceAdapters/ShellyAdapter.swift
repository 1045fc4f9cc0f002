import DeviceIngest
import KitchenModel

/// Shelly Gen2+ (Plus H&T, Plus add-on probes, H&T Gen3) with RPC notifications over MQTT,
/// the topic prefix being the device id (its default):
/// - `<device-id>/events/rpc`: JSON-RPC frames; `NotifyStatus` (changed components only) and
///   `NotifyFullStatus` (every component) carry `params.ts` (Unix seconds),
///   `temperature:<id>.tC`, `humidity:<id>.rh` and `devicepower:0.battery.percent`;
/// - `<device-id>/online`: `true`/`false` (the device's MQTT Will).
/// `NotifyEvent` and other methods are ignored.
enum ShellyAdapter {
    enum Message: Equatable {
        case rpc(deviceID: String)
        case online(deviceID: String)
    }

    static func parse(_ topic: String) -> Message? {
        let segments = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard let id = segments.first, !id.isEmpty else { return nil }
        if segments.count == 3, segments[1] == "events", segments[2] == "rpc" { return .rpc(deviceID: String(id)) }
        if segments.count == 2, segments[1] == "online" { return .online(deviceID: String(id)) }
        return nil
    }

    static func adapt(_ message: Message, _ payload: UnsafeRawBufferPointer, bindings: [Binding],
                      receivedAt: EpochMillis, limits: IngestLimits) -> AdapterOutcome {
        var results = BindingResults()
        switch message {
        case .online:
            let online: Bool
            do { online = try PlainTextPayload.word(payload, among: PlainTextPayload.trueFalse) } catch {
                return .rejected(Rejection(error.reason, "Shelly online " + error.message))
            }
            for binding in bindings {
                results.add(binding.key) { () throws(Rejection) in [.presence(binding.key, online: online, receivedAt: receivedAt)] }
            }
            return results.outcome(nothingFor: "no binding")
        case .rpc:
            let fields: JSONFields
            let params: JSONFields
            let full: Bool
            do throws(Rejection) {
                fields = try JSONFields.read(payload, limits: limits)
                switch try fields.requiredString("method") {
                case "NotifyStatus": full = false
                case "NotifyFullStatus": full = true
                case let other: return .ignored("Shelly \(other) carries no status")
                }
                guard let found = try fields.object("params") else { throw fields.missing("params") }
                params = found
            } catch {
                return .rejected(error)
            }
            let deviceTime = (try? params.number("ts", in: 0...1e11))
                .flatMap { DeviceClock.fromUnixSeconds($0, receivedAt: receivedAt, limits: limits) }
            for binding in bindings {
                results.add(binding.key) { () throws(Rejection) in
                    let component = binding.source.sensor.flatMap { if case .key(let id) = $0 { id } else { nil } } ?? "0"
                    guard let reading = try thermo(params, component: component, full: full) else { return [] }
                    return [AdaptedMessage(DeviceMessage(key: binding.key, receivedAt: receivedAt,
                                                         payload: .telemetry(.thermo(reading))),
                                           deviceTime: deviceTime)]
                }
            }
            return results.outcome(nothingFor: "Shelly NotifyStatus without a temperature or humidity change")
        }
    }

    /// nil when a `NotifyStatus` is about other components; a `NotifyFullStatus` lists every
    /// component, so there a missing sensor means the binding names the wrong one.
    static func thermo(_ params: JSONFields, component: String, full: Bool) throws(Rejection) -> ThermoReading? {
        let celsius = try params.object("temperature:" + component)?.number("tC", in: ProtocolRanges.thermoCelsius)
        let humidity = try params.object("humidity:" + component)?.number("rh", in: ProtocolRanges.percent)
        let battery = try params.object("devicepower:0")?.object("battery")?.number("percent", in: ProtocolRanges.percent)
        guard celsius != nil || humidity != nil else {
            guard full else { return nil }
            throw Rejection(.missingField, "NotifyFullStatus has no reading in 'params.temperature:\(component)' or "
                + "'params.humidity:\(component)'")
        }
        return ThermoReading(celsius: celsius, humidity: humidity, battery: battery)
    }
}
