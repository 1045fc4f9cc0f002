import DeviceAdapters
import KitchenModel
import Testing

@Suite("zigbee2mqtt")
struct ZigbeeAdapterTests {
    let fridge = key("canteen-01", "fridge-2"), store = key("canteen-01", "dry-store")

    func bound() throws -> ThirdPartyRouter {
        try router([fridge: DeviceSource(family: "zigbee2mqtt", id: "cold room/fridge 2"),
                    store: DeviceSource(family: "zigbee2mqtt", id: "dry_store")])
    }

    /// Device states as zigbee2mqtt publishes them (zigbee2mqtt.io "MQTT Topics and Messages":
    /// WSDCGQ01LM example; battery/voltage/linkquality as exposed by Aqara/Sonoff sensors).
    static let states: [(String, ThermoReading)] = [
        (#"{"temperature":27.34,"humidity":44.72}"#, ThermoReading(celsius: 27.34, humidity: 44.72)),
        (#"{"battery":100,"humidity":71.3,"linkquality":120,"temperature":3.62,"voltage":3045}"#,
         ThermoReading(celsius: 3.62, humidity: 71.3, battery: 100)),
        (#"{"battery":87,"linkquality":54,"temperature":-19.1,"voltage":2985,"battery_low":false}"#,
         ThermoReading(celsius: -19.1, battery: 87)),
    ]

    @Test("device state → thermo telemetry, friendly names with / and spaces", arguments: states)
    func state(payload: String, expected: ThermoReading) throws {
        var r = try bound()
        let outcome = r.adapt("zigbee2mqtt/cold room/fridge 2", payload)
        #expect(outcome.thermo == expected)
        #expect(outcome.messages.first?.key == fridge)
    }

    @Test("availability in the JSON and the legacy plain-text form", arguments: [
        (#"{"state":"online"}"#, true), (#"{"state":"offline"}"#, false), ("online", true), ("offline", false),
    ])
    func availability(payload: String, online: Bool) throws {
        var r = try bound()
        let outcome = r.adapt("zigbee2mqtt/cold room/fridge 2/availability", payload)
        #expect(outcome.messages == [DeviceMessage(key: fridge, receivedAt: now, payload: presence(online))])
    }

    @Test("bridge offline takes every bound device offline; online leaves them to report")
    func bridge() throws {
        var r = try bound()
        #expect(r.adapt("zigbee2mqtt/bridge/state", #"{"state":"offline"}"#).messages
            == [DeviceMessage(key: store, receivedAt: now, payload: presence(false)),
                DeviceMessage(key: fridge, receivedAt: now, payload: presence(false))].sorted { $0.key < $1.key })
        #expect(r.adapt("zigbee2mqtt/bridge/state", "offline").messages.count == 2)
        #expect(r.adapt("zigbee2mqtt/bridge/state", "online").isIgnored)
        #expect(r.adapt("zigbee2mqtt/bridge/logging", #"{"level":"info","message":"joined"}"#).isIgnored)
        #expect(r.adapt("zigbee2mqtt/dry_store/set", #"{"state":"ON"}"#).isIgnored)
    }

    @Test("last_seen, when enabled, is the device time")
    func lastSeen() throws {
        var r = try bound()
        #expect(r.adapt("zigbee2mqtt/dry_store", #"{"humidity":55,"last_seen":1763779250123}"#).adapted.first?.deviceTime
            == 1_763_779_250_123)
        #expect(r.adapt("zigbee2mqtt/dry_store", #"{"humidity":55,"last_seen":"2025-11-22T02:40:50.123Z"}"#).adapted.first?.deviceTime
            == 1_763_779_250_123)
        #expect(r.adapt("zigbee2mqtt/dry_store", #"{"humidity":55,"last_seen":"2025-11-22T10:40:50+08:00"}"#).adapted.first?.deviceTime
            == 1_763_779_250_000)
    }

    @Test("malformed zigbee2mqtt payloads are rejected with a reason", arguments: [
        ("zigbee2mqtt/dry_store", #"{"action":"single","linkquality":80}"#, RejectReason.missingField,
         "zigbee2mqtt state has no 'temperature' or 'humidity': is this a thermometer?"),
        ("zigbee2mqtt/dry_store", #"{"temperature":"21.5"}"#, .wrongType, "field 'temperature' must be a number, got a string"),
        ("zigbee2mqtt/dry_store", #"{"humidity":50,"linkquality":300}"#, .outOfRange,
         "field 'linkquality' must be a number between 0 and 255, got 300"),
        ("zigbee2mqtt/dry_store", #"{"humidity":50,"battery":"100.00"}"#, .wrongType, "field 'battery' must be a number, got a string"),
        ("zigbee2mqtt/dry_store/availability", #"{"state":"sleeping"}"#, .outOfRange,
         "field 'state' must be \"online\" or \"offline\", got \"sleeping\""),
        ("zigbee2mqtt/dry_store/availability", #"{"online":true}"#, .missingField, "missing required field 'state'"),
        ("zigbee2mqtt/dry_store/availability", "ONLINE!", .outOfRange, "payload must be 'offline' or 'online', got \"ONLINE!\""),
    ])
    func invalid(topic: String, payload: String, reason: RejectReason, message: String) throws {
        var r = try bound()
        #expect(r.adapt(topic, payload).rejection == Rejection(reason, message))
    }

    @Test("an unbound friendly name is unmapped, whatever its payload")
    func unmapped() throws {
        var r = try bound()
        #expect(r.adapt("zigbee2mqtt/0x00158d0001a2b3c4", "not json") == .unmapped(family: .zigbee2mqtt, sourceID: "0x00158d0001a2b3c4"))
        #expect(r.adapt("zigbee2mqtt/0x00158d0001a2b3c4/availability", "online")
            == .unmapped(family: .zigbee2mqtt, sourceID: "0x00158d0001a2b3c4"))
    }
}
