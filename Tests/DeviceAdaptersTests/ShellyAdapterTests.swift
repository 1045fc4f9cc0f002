import DeviceAdapters
import KitchenModel
import Testing

@Suite("Shelly Gen2+")
struct ShellyAdapterTests {
    let sample = key("canteen-01", "sample-fridge")

    /// A Shelly Plus H&T NotifyFullStatus as published on `<id>/events/rpc` (captured in the
    /// gist "Status from a Shelly Plus Heat & Temperature sensor (via MQTT)"; structure per
    /// shelly-api-docs gen2 General/Notifications).
    static let fullStatus = #"{"src":"shellyplusht-b8d61a8b17cc","dst":"shellyplusht-b8d61a8b17cc/events","method":"NotifyFullStatus","params":{"ts":1763779255.62,"ble":{},"cloud":{"connected":false},"devicepower:0":{"id":0,"battery":{"V":5.43,"percent":86},"external":{"present":false}},"ht_ui":{},"humidity:0":{"id":0,"rh":42.2},"mqtt":{"connected":true},"sys":{"mac":"B8D61A8B17CC","restart_required":false,"time":null,"unixtime":null,"uptime":3,"wakeup_reason":{"boot":"deepsleep_wake","cause":"status_update"},"wakeup_period":600},"temperature:0":{"id":0,"tC":4.8,"tF":40.6},"wifi":{"sta_ip":"192.168.3.183","status":"got ip","ssid":"kitchen","rssi":-60}}}"#

    func bound(sensor: String? = nil) throws -> ThirdPartyRouter {
        try router([sample: DeviceSource(family: "shelly", id: "shellyplusht-b8d61a8b17cc", sensor: sensor)])
    }

    @Test("NotifyFullStatus: temperature, humidity, battery and the device's ts")
    func fullStatus() throws {
        var r = try bound()
        let outcome = r.adapt("shellyplusht-b8d61a8b17cc/events/rpc", Self.fullStatus)
        #expect(outcome.thermo == ThermoReading(celsius: 4.8, humidity: 42.2, battery: 86))
        #expect(outcome.adapted.first?.deviceTime == 1_763_779_255_620)
    }

    @Test("NotifyStatus carries only what changed")
    func partialStatus() throws {
        var r = try bound()
        let humidity = r.adapt("shellyplusht-b8d61a8b17cc/events/rpc",
            #"{"src":"shellyplusht-b8d61a8b17cc","dst":"shellyplusht-b8d61a8b17cc/events","method":"NotifyStatus","params":{"ts":1763779258.10,"humidity:0":{"id":0,"rh":44.9}}}"#)
        #expect(humidity.thermo == ThermoReading(humidity: 44.9))
        let wifi = r.adapt("shellyplusht-b8d61a8b17cc/events/rpc",
            #"{"src":"shellyplusht-b8d61a8b17cc","dst":"shellyplusht-b8d61a8b17cc/events","method":"NotifyStatus","params":{"ts":1763779258.10,"wifi":{"rssi":-71}}}"#)
        #expect(wifi.isIgnored)
        let event = r.adapt("shellyplusht-b8d61a8b17cc/events/rpc",
            #"{"src":"shellyplusht-b8d61a8b17cc","dst":"shellyplusht-b8d61a8b17cc/events","method":"NotifyEvent","params":{"ts":1763779258.10,"events":[{"component":"sys","event":"sleep"}]}}"#)
        #expect(event.isIgnored)
    }

    @Test("a Plus add-on probe is selected by its component id")
    func addOnProbe() throws {
        var r = try bound(sensor: "101")
        let outcome = r.adapt("shellyplusht-b8d61a8b17cc/events/rpc",
            #"{"src":"shellyplus1-a8032ab12345","method":"NotifyStatus","params":{"ts":1763779258.10,"temperature:100":{"id":100,"tC":21.9},"temperature:101":{"id":101,"tC":-18.2,"tF":-0.8}}}"#)
        #expect(outcome.thermo == ThermoReading(celsius: -18.2))
    }

    @Test("online true/false is presence")
    func online() throws {
        var r = try bound()
        #expect(r.adapt("shellyplusht-b8d61a8b17cc/online", "true").payloads == [presence(true)])
        #expect(r.adapt("shellyplusht-b8d61a8b17cc/online", "false").payloads == [presence(false)])
        #expect(r.adapt("shellyplusht-b8d61a8b17cc/online", "1").rejection
            == Rejection(.outOfRange, "Shelly online payload must be 'false' or 'true', got \"1\""))
    }

    @Test("malformed Shelly frames are rejected with a reason", arguments: [
        (#"{"method":"NotifyFullStatus","params":{"ts":1763779255.62,"wifi":{}}}"#, RejectReason.missingField,
         "NotifyFullStatus has no reading in 'params.temperature:0' or 'params.humidity:0'"),
        (#"{"src":"x","params":{}}"#, .missingField, "missing required field 'method'"),
        (#"{"method":"NotifyStatus"}"#, .missingField, "missing required field 'params'"),
        (#"{"method":"NotifyStatus","params":[1]}"#, .wrongType, "field 'params' must be an object, got an array"),
        (#"{"method":"NotifyStatus","params":{"temperature:0":{"id":0,"tC":"cold"}}}"#, .wrongType,
         "field 'params.temperature:0.tC' must be a number, got a string"),
        (#"{"method":"NotifyStatus","params":{"humidity:0":{"rh":101}}}"#, .outOfRange,
         "field 'params.humidity:0.rh' must be a number between 0 and 100, got 101"),
    ])
    func invalid(payload: String, reason: RejectReason, message: String) throws {
        var r = try bound()
        #expect(r.adapt("shellyplusht-b8d61a8b17cc/events/rpc", payload).rejection == Rejection(reason, message))
    }

    @Test("a sensor error (tC null) in a NotifyStatus is no reading, not a malformed frame")
    func nullReading() throws {
        var r = try bound()
        #expect(r.adapt("shellyplusht-b8d61a8b17cc/events/rpc",
                        #"{"method":"NotifyStatus","params":{"temperature:0":{"id":0,"tC":null,"tF":null,"errors":["read"]}}}"#).isIgnored)
    }
}
