import DeviceIngest
import KitchenModel

/// Tasmota with the default FullTopic `%prefix%/%topic%/`:
/// - `tele/<topic>/SENSOR`: sensor objects keyed by driver name (`AM2301`, `SI7021`, `DHT11`,
///   `AHT1X-0x38`, `BME280`, `SHT3X`, `DS18B20`, `DS18B20-1` with `Id`, ...), `TempUnit` C or F,
///   and `ENERGY` (`Power`, W) on metering plugs;
/// - `tele/<topic>/STATE`: `POWER` (or `POWER1`) `ON`/`OFF`;
/// - `tele/<topic>/LWT`: `Online`/`Offline` (plain text, retained).
/// Other `tele/` and all `stat/` topics (INFO1-3, RESULT, POWER echoes) are ignored.
enum TasmotaAdapter {
    enum Message: Equatable {
        case sensor, state, lwt
        case other(String)
    }

    /// `tele/<topic>/<MESSAGE>` or `stat/<topic>/<MESSAGE>`; the topic is one segment.
    static func parse(_ topic: String) -> (sourceID: String, message: Message)? {
        let segments = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 3, segments[0] == "tele" || segments[0] == "stat", !segments[1].isEmpty else { return nil }
        guard segments[0] == "tele" else { return (String(segments[1]), .other("stat/" + segments[2])) }
        switch segments[2] {
        case "SENSOR": return (String(segments[1]), .sensor)
        case "STATE": return (String(segments[1]), .state)
        case "LWT": return (String(segments[1]), .lwt)
        default: return (String(segments[1]), .other(String(segments[2])))
        }
    }

    static func adapt(_ message: Message, _ payload: UnsafeRawBufferPointer, bindings: [Binding],
                      receivedAt: EpochMillis, limits: IngestLimits,
                      plugs: inout [DeviceKey: PlugRunTracker]) -> AdapterOutcome {
        var results = BindingResults()
        switch message {
        case .other(let name):
            return .ignored("Tasmota \(name) carries no readings")
        case .lwt:
            let online: Bool
            do { online = try PlainTextPayload.word(payload, among: PlainTextPayload.onlineOffline) } catch {
                return .rejected(Rejection(error.reason, "Tasmota LWT " + error.message))
            }
            for binding in bindings {
                results.add(binding.key) { () throws(Rejection) in [.presence(binding.key, online: online, receivedAt: receivedAt)] }
            }
            return results.outcome(nothingFor: "no binding")
        case .sensor, .state:
            let fields: JSONFields
            do { fields = try JSONFields.read(payload, limits: limits) } catch { return .rejected(error) }
            let deviceTime = (try? fields.string("Time")).flatMap(DeviceClock.fromISO8601)
                .flatMap { DeviceClock.plausible($0, receivedAt: receivedAt, limits: limits) }
            for binding in bindings {
                results.add(binding.key) { () throws(Rejection) in
                    let made: DevicePayload?
                    if let plug = binding.source.plug {
                        var tracker = plugs[binding.key] ?? PlugRunTracker()
                        defer { plugs[binding.key] = tracker }
                        return try TasmotaPlug.adapt(message == .sensor, fields, plug: plug, tracker: &tracker,
                                                     key: binding.key, receivedAt: receivedAt, deviceTime: deviceTime)
                    } else if message == .sensor {
                        made = .telemetry(.thermo(try TasmotaSensor.reading(fields, selection: binding.source.sensor)))
                    } else {
                        made = nil
                    }
                    return made.map {
                        [AdaptedMessage(DeviceMessage(key: binding.key, receivedAt: receivedAt, payload: $0),
                                        deviceTime: deviceTime)]
                    } ?? []
                }
            }
            return results.outcome(nothingFor: "Tasmota STATE carries no readings for a thermometer")
        }
    }
}
