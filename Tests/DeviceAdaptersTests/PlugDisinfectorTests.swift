import DeviceAdapters
import KitchenModel
import Testing

@Suite("Smart plug as a disinfector")
struct PlugDisinfectorTests {
    let lamp = key("canteen-01", "uv-room")

    /// Tasmota STATE and SENSOR `ENERGY` of a metering plug (shapes from Tasmota user captures:
    /// `{"Time":...,"POWER":"ON","Wifi":{...}}`, `{"Time":...,"ENERGY":{"TotalStartTime":...,"Total":...,"Power":...}}`).
    static func state(_ power: String) -> String {
        #"{"Time":"2025-11-22T06:00:00","Uptime":"0T00:15:45","UptimeSec":945,"Heap":26,"SleepMode":"Dynamic","Sleep":50,"LoadAvg":19,"MqttCount":1,"POWER":"\#(power)","Wifi":{"AP":1,"SSId":"kitchen","RSSI":84,"Signal":-58,"LinkCount":1,"Downtime":"0T00:00:07"}}"#
    }

    static func energy(_ watts: Double) -> String {
        #"{"Time":"2025-11-22T06:00:00","ENERGY":{"TotalStartTime":"2025-10-05T15:45:37","Total":6.592,"Yesterday":1.117,"Today":0.664,"Period":0,"Power":\#(watts),"ApparentPower":40,"ReactivePower":10,"Factor":0.93,"Voltage":229,"Current":0.168}}"#
    }

    enum Step: Sendable {
        case state(String), energy(Double)
        var topic: String {
            if case .state = self { return "tele/uv-plug/STATE" }
            return "tele/uv-plug/SENSOR"
        }
        var payload: String {
            switch self {
            case .state(let p): PlugDisinfectorTests.state(p)
            case .energy(let w): PlugDisinfectorTests.energy(w)
            }
        }
    }

    /// (seconds after `now`, report, expected status, expected run as (start s, end s)).
    static let session: [(Int64, Step, DisinfectorState, (Int64, Int64)?)] = [
        (0, .state("OFF"), .idle, nil),
        (10, .state("ON"), .idle, nil),          // draw not reported yet: not a fault
        (10, .energy(36), .running, nil),        // lamp lit: the run starts
        (40, .energy(35.5), .running, nil),
        (1_810, .energy(36), .running, nil),
        (1_840, .state("OFF"), .idle, (10, 1_840)),  // switched off: the run ends
        (1_840, .energy(0), .idle, nil),
        (3_600, .state("ON"), .idle, nil),
        (3_600, .energy(0.4), .idle, nil),       // on, no draw: give the lamp a minute
        (3_630, .energy(0.4), .idle, nil),
        (3_660, .energy(0.5), .fault, nil),      // still dark after 60 s: failed lamp
        (3_690, .energy(36), .running, nil),     // lit after all
        (3_700, .energy(1.0), .idle, (3_690, 3_700)),   // the run ends; the fault clock starts again
    ]

    @Test("runs start and end with the draw; on with no draw becomes a failed lamp")
    func session() throws {
        var r = try router([lamp: DeviceSource(family: "tasmota", id: "uv-plug",
                                               plug: PlugDisinfector(runWatts: 15, faultBelowWatts: 5, faultAfterSeconds: 60))])
        for (offset, step, expected, run) in Self.session {
            let outcome = r.adapt(step.topic, step.payload, at: now + offset * 1000)
            guard case .telemetry(.disinfector(let status))? = outcome.payloads.first else {
                Issue.record("no status at +\(offset) s: \(outcome)")
                continue
            }
            #expect(status.state == expected, "at +\(offset) s")
            #expect(status.faultCode == (expected == .fault ? "lamp_failed" : nil))
            let events = outcome.payloads.dropFirst()
            if let (start, end) = run {
                #expect(Array(events) == [.event(.run(DisinfectionRun(mode: .uv, start: now + start * 1000, end: now + end * 1000)))],
                        "at +\(offset) s")
            } else {
                #expect(events.isEmpty, "at +\(offset) s")
            }
        }
    }

    @Test("a low draw right after a run starts the fault clock anew")
    func faultClockRestarts() throws {
        let plug = try PlugDisinfector(runWatts: 15, faultBelowWatts: 5, faultAfterSeconds: 60)
        var tracker = PlugRunTracker()
        _ = tracker.observe(switchedOn: true, watts: 36, at: 0, plug: plug)
        let ended = tracker.observe(switchedOn: nil, watts: 1, at: 10_000, plug: plug)
        #expect(ended.completedRun == DisinfectionRun(mode: .uv, start: 0, end: 10_000))
        #expect(ended.status.state == .idle)
        let later = tracker.observe(switchedOn: nil, watts: 1, at: 70_000, plug: plug)
        #expect(later.status == DisinfectorStatus(state: .fault, faultCode: "lamp_failed"))
        let off = tracker.observe(switchedOn: false, watts: nil, at: 80_000, plug: plug)
        #expect(off.status.state == .idle)
    }

    @Test("draw between the fault and run thresholds is neither a run nor a fault")
    func warmingBand() throws {
        let plug = try PlugDisinfector(runWatts: 15, faultBelowWatts: 5, faultAfterSeconds: 0)
        var tracker = PlugRunTracker()
        #expect(tracker.observe(switchedOn: true, watts: 9, at: 0, plug: plug).status.state == .idle)
        #expect(tracker.observe(switchedOn: nil, watts: 4, at: 1, plug: plug).status.state == .fault)
    }

    @Test("multi-channel meters: the first channel's draw is used")
    func channelArray() throws {
        var r = try router([lamp: DeviceSource(family: "tasmota", id: "uv-plug", plug: PlugDisinfector(runWatts: 15))])
        let outcome = r.adapt("tele/uv-plug/SENSOR", #"{"Time":"2026-09-18T11:19:21","ENERGY":{"Total":[2.813,0.254],"Power":[52,5],"Voltage":235,"Current":[0.278,0.044]}}"#)
        #expect(outcome.payloads == [.telemetry(.disinfector(DisinfectorStatus(state: .running)))])
    }

    @Test("plug payloads without what the plug needs are rejected", arguments: [
        ("tele/uv-plug/SENSOR", #"{"Time":"2025-11-22T06:00:00","AM2301":{"Temperature":4}}"#, RejectReason.missingField,
         "missing required field 'ENERGY'"),
        ("tele/uv-plug/SENSOR", #"{"ENERGY":{"Total":1.5}}"#, .missingField, "missing required field 'ENERGY.Power'"),
        ("tele/uv-plug/SENSOR", #"{"ENERGY":{"Power":"36"}}"#, .wrongType, "field 'ENERGY.Power' must be a number, got a string"),
        ("tele/uv-plug/SENSOR", #"{"ENERGY":{"Power":-3}}"#, .outOfRange, "field 'ENERGY.Power' must be a number between 0 and 100000, got -3"),
        ("tele/uv-plug/STATE", #"{"Uptime":"0T00:00:13"}"#, .missingField, "missing required field 'POWER'"),
        ("tele/uv-plug/STATE", #"{"POWER":"TOGGLE"}"#, .outOfRange, "field 'POWER' must be \"ON\" or \"OFF\", got \"TOGGLE\""),
    ])
    func invalid(topic: String, payload: String, reason: RejectReason, message: String) throws {
        var r = try router([lamp: DeviceSource(family: "tasmota", id: "uv-plug", plug: PlugDisinfector(runWatts: 15))])
        #expect(r.adapt(topic, payload).rejection == Rejection(reason, message))
    }

    @Test("POWER1 of a multi-relay device is the switch")
    func power1() throws {
        var r = try router([lamp: DeviceSource(family: "tasmota", id: "uv-plug", plug: PlugDisinfector(runWatts: 15))])
        _ = r.adapt("tele/uv-plug/SENSOR", Self.energy(40))
        let off = r.adapt("tele/uv-plug/STATE", #"{"POWER1":"OFF","POWER2":"ON"}"#, at: now + 600_000)
        #expect(off.payloads.last == .event(.run(DisinfectionRun(mode: .uv, start: now, end: now + 600_000))))
    }

    @Test("a plug and a thermometer may share one Tasmota topic")
    func sharedTopic() throws {
        let room = key("canteen-01", "uv-room-temp")
        var r = try router([
            lamp: DeviceSource(family: "tasmota", id: "th-plug", plug: PlugDisinfector(runWatts: 15)),
            room: DeviceSource(family: "tasmota", id: "th-plug"),
        ])
        let outcome = r.adapt("tele/th-plug/SENSOR", #"{"AM2301":{"Temperature":21.5,"Humidity":40},"ENERGY":{"Power":36},"TempUnit":"C"}"#)
        #expect(outcome.messages.map(\.key) == [lamp, room])
        #expect(outcome.payloads == [.telemetry(.disinfector(DisinfectorStatus(state: .running))),
                                     .telemetry(.thermo(ThermoReading(celsius: 21.5, humidity: 40)))])
    }
}
