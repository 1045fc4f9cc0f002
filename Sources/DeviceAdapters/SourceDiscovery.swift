import DeviceIngest
import KitchenModel

/// A registry device `brightkitchen devices discover` proposes, from what the broker carried.
public struct DiscoveredDevice: Hashable, Sendable {
    public enum Origin: Hashable, Sendable {
        /// One reading of a third-party device: `sensor`/`probe` pick it, `plug` makes it a disinfector.
        case thirdParty(family: DeviceSource.Family, sourceID: String, instance: String?, sensor: String?,
                        probe: String?, plug: Bool)
        /// A device speaking protocol v1 that announced itself with a birth.
        case native(site: String, device: String)
    }

    public let origin: Origin
    public var kind: DeviceKind
    /// The newest value of each reading, formatted for a YAML comment (`Temperature` → `3.1 °C`).
    public var readings: [String: String] = [:]
    public var celsius: Double?
    public var watts: Double?
    public var online: Bool?
    public var messages = 0
    public var intervalSeconds: Int?

    var sourceKey: String {
        switch origin {
        case .thirdParty(let family, let id, let instance, _, _, _): "\(family.rawValue)/\(instance ?? "")/\(id)"
        case .native(let site, let device): "bk/\(site)/\(device)"
        }
    }
}

/// Runs broker traffic through the adapters' topic recognisers and payload readers and keeps one
/// `DiscoveredDevice` per reading seen. Nothing is bound, nothing is rejected: a payload that
/// cannot be read is just not evidence.
public struct SourceDiscovery: Sendable {
    public var frigateInstances: Set<String>
    public var limits = IngestLimits()
    private var devices: [DiscoveredDevice.Origin: DiscoveredDevice] = [:]
    private var presence: [String: Bool] = [:]

    /// Beyond this many proposals new ones are not kept (a broker full of made-up topics).
    public static let maxDevices = 1_000

    public init(frigateInstances: Set<String> = [DeviceSource.defaultFrigateInstance]) {
        self.frigateInstances = frigateInstances
    }

    /// The topic filters that carry what `observe` recognises. Shelly topics have no common
    /// prefix, so its two are matched on their last levels.
    public var topicFilters: [String] {
        (["tele/#", ZigbeeAdapter.baseTopic + "/#", "+/events/rpc", "+/online", TopicFilter.everyDevice(.birth)]
            + frigateInstances.sorted().map { $0 + "/#" })
    }

    /// Proposals, grouped by source, with the presence last reported for their source.
    public var proposals: [DiscoveredDevice] {
        devices.values.map { device in
            var device = device
            device.online = presence[device.sourceKey]
            return device
        }.sorted { ($0.sourceKey, "\($0.origin)") < ($1.sourceKey, "\($1.origin)") }
    }

    /// Returns whether the message was recognised as a device's.
    @discardableResult
    public mutating func observe(topic: String, payload: [UInt8]) -> Bool {
        payload.withUnsafeBytes { observe(topic, $0) }
    }

    private mutating func observe(_ topic: String, _ payload: UnsafeRawBufferPointer) -> Bool {
        if Topic.isProtocolNamespace(topic) { return nativeBirth(topic, payload) }
        if let (id, message) = TasmotaAdapter.parse(topic) { return tasmota(id, message, payload) }
        if let message = ZigbeeAdapter.parse(topic) { return zigbee(message, payload) }
        if let message = FrigateAdapter.parse(topic, instances: frigateInstances) { return frigate(message, payload) }
        if let message = ShellyAdapter.parse(topic) { return shelly(message, payload) }
        return false
    }

    private mutating func record(_ origin: DiscoveredDevice.Origin, kind: DeviceKind,
                                 _ update: (inout DiscoveredDevice) -> Void) {
        guard var device = devices[origin] ?? (devices.count < Self.maxDevices ? DiscoveredDevice(origin: origin, kind: kind) : nil)
        else { return }
        device.messages += 1
        update(&device)
        devices[origin] = device
    }

    private mutating func availability(_ key: String, _ payload: UnsafeRawBufferPointer, words: [String: Bool]) -> Bool {
        let text = PlainTextPayload.isJSONObject(payload)
            ? ((try? JSONFields.read(payload, limits: limits)).flatMap { try? $0.string("state") } ?? nil) : nil
        let online: Bool?
        if let text { online = words[text] } else { online = try? PlainTextPayload.word(payload, among: words) }
        guard let online else { return false }
        presence[key] = online
        return true
    }

    // MARK: Families

    private mutating func tasmota(_ id: String, _ message: TasmotaAdapter.Message, _ payload: UnsafeRawBufferPointer) -> Bool {
        switch message {
        case .lwt:
            return availability("tasmota//\(id)", payload, words: PlainTextPayload.onlineOffline)
        case .other:
            return true
        case .state:
            guard let fields = try? JSONFields.read(payload, limits: limits) else { return false }
            let power = ((try? fields.string("POWER")) ?? nil) ?? ((try? fields.string("POWER1")) ?? nil)
            let plug = DiscoveredDevice.Origin.thirdParty(family: .tasmota, sourceID: id, instance: nil, sensor: nil,
                                                          probe: nil, plug: true)
            if let power, devices[plug] != nil { record(plug, kind: .disinfector) { $0.readings["POWER"] = power } }
            return true
        case .sensor:
            guard let fields = try? JSONFields.read(payload, limits: limits) else { return false }
            let fahrenheit = ((try? fields.string("TempUnit")) ?? nil) == "F"
            for (name, value) in fields.members where !TasmotaSensor.notSensors.contains(name) {
                guard case .object = value, let sensor = try? fields.object(name, value) else { continue }
                let raw = (try? sensor.number("Temperature", in: -1_000...1_000)) ?? nil
                let humidity = (try? sensor.number("Humidity", in: ProtocolRanges.percent)) ?? nil
                guard raw != nil || humidity != nil else { continue }
                let celsius = raw.map { fahrenheit ? (($0 - 32) * 5 / 9 * 100).rounded() / 100 : $0 }
                let probe = (try? sensor.string("Id")) ?? nil
                let origin = DiscoveredDevice.Origin.thirdParty(family: .tasmota, sourceID: id, instance: nil,
                                                                sensor: probe == nil ? name : nil, probe: probe, plug: false)
                record(origin, kind: .thermo) { device in
                    device.celsius = celsius
                    device.readings[name + " Temperature"] = celsius.map { "\(format($0)) °C" }
                    device.readings[name + " Humidity"] = humidity.map { "\(format($0)) %" }
                }
            }
            if let energy = try? fields.object("ENERGY") {
                var watts = (try? energy.number("Power", in: 0...1_000_000)) ?? nil
                if watts == nil, let first = ((try? energy.scalars("Power", shape: "")) ?? nil)?.first,
                   case .number(let n) = first { watts = n.double }
                let origin = DiscoveredDevice.Origin.thirdParty(family: .tasmota, sourceID: id, instance: nil, sensor: nil,
                                                                probe: nil, plug: true)
                record(origin, kind: .disinfector) { device in
                    device.watts = watts
                    device.readings["Power"] = watts.map { "\(format($0)) W" }
                }
            }
            return true
        }
    }

    private mutating func zigbee(_ message: ZigbeeAdapter.Message, _ payload: UnsafeRawBufferPointer) -> Bool {
        switch message {
        case .availability(let name):
            return availability("zigbee2mqtt//\(name)", payload, words: PlainTextPayload.onlineOffline)
        case .bridgeState, .other:
            return true
        case .state(let name):
            guard let fields = try? JSONFields.read(payload, limits: limits) else { return false }
            let celsius = (try? fields.number("temperature", in: ProtocolRanges.thermoCelsius)) ?? nil
            let humidity = (try? fields.number("humidity", in: ProtocolRanges.percent)) ?? nil
            // Plugs, buttons and lights behind zigbee2mqtt are not thermometers.
            guard celsius != nil || humidity != nil else { return true }
            let battery = (try? fields.number("battery", in: ProtocolRanges.percent)) ?? nil
            let origin = DiscoveredDevice.Origin.thirdParty(family: .zigbee2mqtt, sourceID: name, instance: nil,
                                                            sensor: nil, probe: nil, plug: false)
            record(origin, kind: .thermo) { device in
                device.celsius = celsius
                device.readings["temperature"] = celsius.map { "\(format($0)) °C" }
                device.readings["humidity"] = humidity.map { "\(format($0)) %" }
                device.readings["battery"] = battery.map { "\(format($0)) %" }
            }
            return true
        }
    }

    private mutating func shelly(_ message: ShellyAdapter.Message, _ payload: UnsafeRawBufferPointer) -> Bool {
        switch message {
        case .online(let id):
            return availability("shelly//\(id)", payload, words: PlainTextPayload.trueFalse)
        case .rpc(let id):
            guard let fields = try? JSONFields.read(payload, limits: limits),
                  let method = (try? fields.string("method")) ?? nil, method.hasPrefix("Notify"),
                  let params = (try? fields.object("params")) ?? nil
            else { return false }
            let battery = (try? params.object("devicepower:0")?.object("battery")?.number("percent", in: ProtocolRanges.percent)) ?? nil
            for (name, value) in params.members {
                let parts = name.split(separator: ":")
                guard parts.count == 2, ["temperature", "humidity"].contains(parts[0]),
                      let component = try? params.object(name, value) else { continue }
                let reading = parts[0] == "temperature"
                    ? (try? component.number("tC", in: ProtocolRanges.thermoCelsius)) ?? nil
                    : (try? component.number("rh", in: ProtocolRanges.percent)) ?? nil
                let origin = DiscoveredDevice.Origin.thirdParty(family: .shelly, sourceID: id, instance: nil,
                                                                sensor: parts[1] == "0" ? nil : String(parts[1]),
                                                                probe: nil, plug: false)
                record(origin, kind: .thermo) { device in
                    if parts[0] == "temperature" {
                        device.celsius = reading ?? device.celsius
                        device.readings[name] = reading.map { "\(format($0)) °C" }
                    } else {
                        device.readings[name] = reading.map { "\(format($0)) %" }
                    }
                    device.readings["battery"] = battery.map { "\(format($0)) %" } ?? device.readings["battery"]
                }
            }
            return true
        }
    }

    private mutating func frigate(_ message: FrigateAdapter.Message, _ payload: UnsafeRawBufferPointer) -> Bool {
        func camera(_ instance: String, _ name: String) -> DiscoveredDevice.Origin {
            .thirdParty(family: .frigate, sourceID: name, instance: instance, sensor: nil, probe: nil, plug: false)
        }
        switch message {
        case .available(let instance):
            guard let online = try? PlainTextPayload.word(payload, among: PlainTextPayload.onlineOffline) else { return false }
            for device in devices.values where device.sourceKey.hasPrefix("frigate/\(instance)/") {
                presence[device.sourceKey] = online
            }
            return true
        case .other:
            return true
        case .snapshot(let instance, let name, let label):
            record(camera(instance, name), kind: .camera) { $0.readings["snapshot"] = label }
            return true
        case .events(let instance):
            guard let event = try? FrigateEvent(try JSONFields.read(payload, limits: limits)) else { return false }
            record(camera(instance, event.after.camera), kind: .camera) { device in
                device.readings["label"] = "\(event.after.label) \(format(event.after.score))"
                if let box = event.after.box { device.readings["box"] = box.map(format).joined(separator: ",") }
            }
            return true
        }
    }

    private mutating func nativeBirth(_ topic: String, _ payload: UnsafeRawBufferPointer) -> Bool {
        guard case .device(let key, .birth) = try? Topic.parse(topic),
              let fields = try? JSONFields.read(payload, limits: limits),
              let kindText = (try? fields.string("kind")) ?? nil, let kind = DeviceKind(rawValue: kindText)
        else { return false }
        record(.native(site: "\(key.site)", device: "\(key.device)"), kind: kind) { discovered in
            discovered.intervalSeconds = ((try? fields.number("interval_s", in: 1...86_400)) ?? nil).map { Int($0) }
            discovered.readings["model"] = (try? fields.string("model")) ?? nil
            discovered.readings["firmware"] = (try? fields.string("fw")) ?? nil
        }
        return true
    }
}

/// Shortest decimal text of a reading (`3.1`, `71`).
func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
}
