import DeviceAdapters
import KitchenModel
import Testing

@Suite("Tasmota")
struct TasmotaAdapterTests {
    let fridge = key("canteen-01", "fridge-1")

    /// `tele/<topic>/SENSOR` payloads as the Tasmota docs print them (tasmota/docs: AM2301.md,
    /// AHT1x.md, BME280.md, DS18x20.md; SI7021/SHT3X/DHT11 keys as the drivers name them).
    static let singleSensors: [(String, ThermoReading)] = [
        (#"{"Time":"2019-01-01T00:00:00","AM2301":{"Temperature":24.6,"Humidity":58.2},"TempUnit":"C"}"#,
         ThermoReading(celsius: 24.6, humidity: 58.2)),
        (#"{"Time":"2020-01-01T00:00:00","AHT1X-0x38":{"Temperature":24.7,"Humidity":61.9,"DewPoint":16.8},"TempUnit":"C"}"#,
         ThermoReading(celsius: 24.7, humidity: 61.9)),
        (#"{"Time":"2019-11-03T19:34:28","BME280":{"Temperature":21.7,"Humidity":66.6,"Pressure":988.6},"PressureUnit":"hPa","TempUnit":"C"}"#,
         ThermoReading(celsius: 21.7, humidity: 66.6)),
        (#"{"Time":"2019-01-01T00:00:00","DS18B20":{"Temperature":49.7},"TempUnit":"C"}"#,
         ThermoReading(celsius: 49.7)),
        (#"{"Time":"2020-02-08T17:17:11","SI7021":{"Temperature":20.6,"Humidity":31.9},"TempUnit":"C"}"#,
         ThermoReading(celsius: 20.6, humidity: 31.9)),
        (#"{"Time":"2020-11-15T18:35:34","SHT3X-0x44":{"Temperature":22.1,"Humidity":57.5,"DewPoint":13.3},"TempUnit":"C"}"#,
         ThermoReading(celsius: 22.1, humidity: 57.5)),
        (#"{"Time":"2021-03-01T08:00:00","DHT11":{"Temperature":3.0,"Humidity":80.0,"DewPoint":-0.1},"TempUnit":"C"}"#,
         ThermoReading(celsius: 3, humidity: 80)),
        // ESP32 boards add their chip temperature, which is not a food-safety reading.
        (#"{"Time":"2023-05-01T10:00:00","ESP32":{"Temperature":48.3},"AM2301":{"Temperature":4.2,"Humidity":71},"TempUnit":"C"}"#,
         ThermoReading(celsius: 4.2, humidity: 71)),
        // SetOption8 1: °F, as in the SI7021 example of the Hubitat Tasmota driver.
        (#"{"Time":"2022-05-17T03:33:05","SI7021":{"Temperature":69,"Humidity":28,"DewPoint":34},"TempUnit":"F"}"#,
         ThermoReading(celsius: 20.56, humidity: 28)),
        (#"{"DS18B20":{"Temperature":77},"TempUnit":"F"}"#, ThermoReading(celsius: 25)),
        (#"{"DS18B20":{"Temperature":0.4},"TempUnit":"F"}"#, ThermoReading(celsius: -17.56)),
    ]

    @Test("one sensor per device, in °C or °F", arguments: singleSensors)
    func singleSensor(payload: String, expected: ThermoReading) throws {
        var r = try router([fridge: DeviceSource(family: "tasmota", id: "kitchen-th1")])
        let outcome = r.adapt("tele/kitchen-th1/SENSOR", payload)
        #expect(outcome.thermo == expected)
        #expect(outcome.messages.first?.key == fridge)
        #expect(outcome.messages.first?.sequence == nil)
        #expect(outcome.messages.first?.receivedAt == now)
    }

    /// Multi-probe SENSOR, the shape of Tasmota's changelog and user captures (DS18B20-N with Id).
    static let probes = #"{"Time":"2020-01-26T17:45:30","DS18B20-1":{"Id":"000008BD38BF","Temperature":3.1},"DS18B20-2":{"Id":"000008BD9714","Temperature":-18.5},"DS18B20-3":{"Id":"000008C02C3A","Temperature":65.2},"TempUnit":"C"}"#

    @Test("one multi-probe SENSOR feeds several registry devices, by key or by probe Id")
    func multiProbe() throws {
        let freezer = key("canteen-01", "freezer-1"), holding = key("canteen-01", "hot-1")
        var r = try router([
            fridge: DeviceSource(family: "tasmota", id: "probes", sensor: "DS18B20-1"),
            freezer: DeviceSource(family: "tasmota", id: "probes", probe: "000008bd9714"),
            holding: DeviceSource(family: "tasmota", id: "probes", sensor: "DS18B20-3"),
        ])
        let outcome = r.adapt("tele/probes/SENSOR", Self.probes)
        // Devices come in registry key order.
        #expect(outcome.messages.map(\.key) == [freezer, fridge, holding])
        #expect(outcome.payloads == [.telemetry(.thermo(ThermoReading(celsius: -18.5))),
                                     .telemetry(.thermo(ThermoReading(celsius: 3.1))),
                                     .telemetry(.thermo(ThermoReading(celsius: 65.2)))])
        #expect(outcome.problems.isEmpty)
    }

    @Test("a probe that vanished is a problem for its device only")
    func missingProbe() throws {
        let spare = key("canteen-01", "spare")
        var r = try router([
            fridge: DeviceSource(family: "tasmota", id: "probes", sensor: "DS18B20-1"),
            spare: DeviceSource(family: "tasmota", id: "probes", probe: "FFFF00000001"),
        ])
        let outcome = r.adapt("tele/probes/SENSOR", Self.probes)
        #expect(outcome.messages.map(\.key) == [fridge])
        #expect(outcome.problems.map(\.key) == [spare])
        #expect(outcome.problems.first?.rejection == Rejection(.missingField,
            "SENSOR has no DS18x20 probe with Id FFFF00000001; it has DS18B20-1 (Id 000008BD38BF), "
            + "DS18B20-2 (Id 000008BD9714), DS18B20-3 (Id 000008C02C3A)"))
    }

    @Test("malformed or unusable SENSOR payloads are rejected with a reason", arguments: [
        (Self.probes, RejectReason.outOfRange,
         "SENSOR has several sensors (DS18B20-1 (Id 000008BD38BF), DS18B20-2 (Id 000008BD9714), DS18B20-3 (Id 000008C02C3A)); "
         + "bind the device with sensor: or probe: to pick one"),
        (#"{"Time":"2019-01-01T00:00:00","ENERGY":{"Power":3}}"#, .missingField, "SENSOR has no temperature or humidity sensor"),
        (#"{"AM2301":{"Temperature":null,"Humidity":null},"TempUnit":"C"}"#, .missingField,
         "sensor 'AM2301' has no Temperature or Humidity reading (null means the sensor failed to read)"),
        (#"{"AM2301":{"Temperature":"24.6"},"TempUnit":"C"}"#, .wrongType, "field 'AM2301.Temperature' must be a number, got a string"),
        (#"{"AM2301":{"Temperature":4,"Humidity":140},"TempUnit":"C"}"#, .outOfRange,
         "field 'AM2301.Humidity' must be a number between 0 and 100, got 140"),
        (#"{"DS18B20":{"Temperature":4},"TempUnit":"K"}"#, .outOfRange, "field 'TempUnit' must be \"C\" or \"F\", got \"K\""),
        (#"{"DS18B20":{"Temperature":999},"TempUnit":"F"}"#, .outOfRange,
         "field 'DS18B20.Temperature' is 537.22 °C; it must be between -200 and 500"),
        (#"{"DS18B20":{"Temperature":4,"Temperature":5}}"#, .badJSON,
         "in field 'DS18B20': invalid JSON at its byte 17: field 'Temperature' appears twice"),
        (#"{"DS18B20":{"Temperature":4}"#, .badJSON, "invalid JSON at byte 28: object is not closed before the payload ends"),
        ("Online", .badJSON, "invalid JSON at byte 0: payload must be a JSON object starting with '{'"),
    ])
    func invalidSensor(payload: String, reason: RejectReason, message: String) throws {
        var r = try router([fridge: DeviceSource(family: "tasmota", id: "probes")])
        #expect(r.adapt("tele/probes/SENSOR", payload).rejection == Rejection(reason, message))
    }

    @Test("LWT Online/Offline is presence; anything else is refused")
    func lastWill() throws {
        var r = try router([fridge: DeviceSource(family: "tasmota", id: "kitchen-th1")])
        #expect(r.adapt("tele/kitchen-th1/LWT", "Online").payloads == [presence(true)])
        #expect(r.adapt("tele/kitchen-th1/LWT", "Offline").payloads == [presence(false)])
        #expect(r.adapt("tele/kitchen-th1/LWT", "Maybe").rejection
            == Rejection(.outOfRange, "Tasmota LWT payload must be 'offline' or 'online', got \"Maybe\""))
    }

    @Test("STATE, INFO and stat/ topics carry nothing for a thermometer")
    func ignored() throws {
        var r = try router([fridge: DeviceSource(family: "tasmota", id: "kitchen-th1")])
        #expect(r.adapt("tele/kitchen-th1/STATE", #"{"Time":"2021-06-27T15:03:44","POWER":"ON"}"#).isIgnored)
        #expect(r.adapt("tele/kitchen-th1/INFO1", #"{"Module":"Sonoff TH"}"#).isIgnored)
        #expect(r.adapt("stat/kitchen-th1/RESULT", #"{"POWER":"ON"}"#).isIgnored)
        #expect(r.adapt("stat/unknown-plug/POWER", "ON").isIgnored)
    }

    @Test("Time is the device clock only when SetOption52 adds its zone")
    func deviceTime() throws {
        var r = try router([fridge: DeviceSource(family: "tasmota", id: "kitchen-th1")])
        let zoned = r.adapt("tele/kitchen-th1/SENSOR", #"{"Time":"2025-11-22T10:40:30+08:00","DS18B20":{"Temperature":3.5},"TempUnit":"C"}"#)
        #expect(zoned.adapted.first?.deviceTime == 1_763_779_230_000)
        let local = r.adapt("tele/kitchen-th1/SENSOR", #"{"Time":"2025-11-22T10:40:30","DS18B20":{"Temperature":3.5},"TempUnit":"C"}"#)
        #expect(local.adapted.first?.deviceTime == nil)
        let stale = r.adapt("tele/kitchen-th1/SENSOR", #"{"Time":"1970-01-01T08:00:12+08:00","DS18B20":{"Temperature":3.5},"TempUnit":"C"}"#)
        #expect(stale.adapted.first?.deviceTime == nil)
        #expect(stale.thermo == ThermoReading(celsius: 3.5))
    }

    @Test("an unbound Tasmota topic is unmapped and counted")
    func unmapped() throws {
        var r = try router([:])
        #expect(r.adapt("tele/new-sensor/SENSOR", Self.probes) == .unmapped(family: .tasmota, sourceID: "new-sensor"))
        _ = r.adapt("tele/new-sensor/LWT", "Online")
        #expect(r.unmapped.list.map(\.count) == [2])
    }
}
