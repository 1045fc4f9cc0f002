import DeviceIngest
import KitchenModel
import Testing

@Suite("Telemetry decoding")
struct TelemetryDecoderTests {
    @Test("the typical thermo telemetry")
    func thermo() throws {
        let message = try #require(decode(thermoTopic + "telemetry",
                                          #"{"seq":123,"ts":1763779200000,"t":3.4,"rh":71.2,"bat":96}"#).message)
        #expect(message.sequence == SequenceStamp(seq: 123, deviceTime: 1_763_779_200_000))
        #expect(message.payload == .telemetry(.thermo(ThermoReading(celsius: 3.4, humidity: 71.2, battery: 96))))
    }

    @Test("implausible sensor values are accepted for the rules to flag", arguments: [85.0, -127.0, 150.0, -200, 500])
    func sensorFaultsPass(t: Double) {
        let json = telemetry("\"t\":\(t)")
        #expect(decode(thermoTopic + "telemetry", json).readings == .thermo(ThermoReading(celsius: t)))
    }

    @Test("invalid thermo telemetry", arguments: [
        (telemetry(#""bat":50"#), RejectReason.missingField, "thermo telemetry needs field 't' or 'rh' (or both)"),
        (telemetry(#""t":900.5"#), .outOfRange, "field 't' must be a number between -200 and 500, got 900.5"),
        (telemetry(#""t":-200.01"#), .outOfRange, "field 't' must be a number between -200 and 500, got -200.01"),
        (telemetry(#""t":4,"rh":100.5"#), .outOfRange, "field 'rh' must be a number between 0 and 100, got 100.5"),
        (telemetry(#""t":4,"bat":-1"#), .outOfRange, "field 'bat' must be a number between 0 and 100, got -1"),
        (telemetry(#""t":"3.4""#), .wrongType, "field 't' must be a number, got a string"),
        (telemetry(#""t":null,"rh":3"#), .wrongType, "field 't' must be a number, got null"),
        (telemetry(#""t":[3.4]"#), .wrongType, "field 't' must be a number, got an array"),
        (telemetry(#""t":true"#), .wrongType, "field 't' must be a number, got true"),
        (#"{"ts":1763779200000,"t":1}"#, .missingField, "missing required field 'seq'"),
        (#"{"seq":1,"t":1}"#, .missingField, "missing required field 'ts'"),
        (#"{"seq":"1","ts":1763779200000,"t":1}"#, .wrongType, "field 'seq' must be an integer, got a string"),
        (#"{"seq":1.25,"ts":1763779200000,"t":1}"#, .wrongType, "field 'seq' must be an integer, got 1.25"),
        (#"{"seq":-1,"ts":1763779200000,"t":1}"#, .outOfRange,
         "field 'seq' must be an integer between 0 and 9007199254740992, got -1"),
        (#"{"seq":9007199254740993,"ts":1763779200000,"t":1}"#, .outOfRange,
         "field 'seq' must be an integer between 0 and 9007199254740992, got 9007199254740993"),
        (#"{"seq":1,"ts":1763779200000.5,"t":1}"#, .wrongType, "field 'ts' must be an integer, got 1763779200000.5"),
    ])
    func invalidThermo(json: String, reason: RejectReason, message: String) {
        let rejection = decode(thermoTopic + "telemetry", json).rejection
        #expect(rejection?.reason == reason)
        #expect(rejection?.message == message)
    }

    @Test("an optional boot names the boot that recorded the message")
    func boot() {
        #expect(decode(thermoTopic + "telemetry", #"{"seq":5,"ts":1763779200000,"boot":16,"t":1}"#).message?.sequence
            == SequenceStamp(seq: 5, deviceTime: baseTS, boot: 16))
        #expect(decode(thermoTopic + "telemetry", telemetry(#""t":1"#)).message?.sequence?.boot == nil)
        #expect(decode(thermoTopic + "telemetry", telemetry(#""t":1,"boot":"16""#)).rejection?.message
            == "field 'boot' must be an integer, got a string")
    }

    @Test("integers written as 12.0 or 1.2e1 are integers")
    func integralForms() {
        #expect(decode(thermoTopic + "telemetry", #"{"seq":12.0,"ts":1.7637792e12,"t":1}"#).message?.sequence
            == SequenceStamp(seq: 12, deviceTime: 1_763_779_200_000))
        #expect(decode(thermoTopic + "telemetry", #"{"seq":-0,"ts":1763779200000,"t":-0}"#).message?.sequence?.seq == 0)
    }

    @Test("clock skew: 10 minutes ahead and 7 days behind are the limits")
    func clock() {
        let ahead = decode(thermoTopic + "telemetry", telemetry(#""t":1"#, ts: fixedNow + 600_000))
        #expect(ahead.message != nil)
        let tooFar = decode(thermoTopic + "telemetry", telemetry(#""t":1"#, ts: fixedNow + 600_001))
        #expect(tooFar.reason == .clockSkew)
        #expect(tooFar.rejection?.message
            == "field 'ts' 1763779860001 is 600001 ms (10 min) ahead of the gateway clock 1763779260000; "
            + "the limit is 10 min; sync the device clock (SNTP)")
        #expect(decode(thermoTopic + "telemetry", telemetry(#""t":1"#, ts: fixedNow - 7 * 86_400_000)).message != nil)
        let stale = decode(thermoTopic + "telemetry", telemetry(#""t":1"#, ts: fixedNow - 8 * 86_400_000))
        #expect(stale.rejection?.message
            == "field 'ts' 1763088060000 is 691200000 ms (8 days) behind the gateway clock 1763779260000; "
            + "the limit is 7 days; sync the device clock (SNTP)")
        var limits = IngestLimits()
        limits.maxClockAheadMillis = 1000
        #expect(decode(thermoTopic + "telemetry", telemetry(#""t":1"#, ts: fixedNow + 2000),
                       decoder: NativeDecoder(limits: limits)).reason == .clockSkew)
    }

    @Test("disinfector status")
    func disinfector() {
        let json = telemetry(#""state":"running","temp_c":101.5,"uv_uwcm2":86,"lamp_h":742.5,"fault":"""#)
        #expect(decode(disinfectorTopic + "telemetry", json, kind: .disinfector).readings == .disinfector(
            DisinfectorStatus(state: .running, temperature: 101.5, irradiance: 86, lampHours: 742.5, faultCode: nil)))
        #expect(decode(disinfectorTopic + "telemetry", telemetry(#""state":"fault","fault":"E07""#), kind: .disinfector)
            .readings == .disinfector(DisinfectorStatus(state: .fault, faultCode: "E07")))
    }

    @Test("invalid disinfector status", arguments: [
        (telemetry(#""temp_c":20"#), RejectReason.missingField, "missing required field 'state'"),
        (telemetry(#""state":"Idle""#), .outOfRange, "field 'state' must be one of idle, running, fault, got \"Idle\""),
        (telemetry(#""state":"idle","temp_c":-51"#), .outOfRange,
         "field 'temp_c' must be a number between -50 and 500, got -51"),
        (telemetry(#""state":"idle","uv_uwcm2":100001"#), .outOfRange,
         "field 'uv_uwcm2' must be a number between 0 and 100000, got 100001"),
        (telemetry(#""state":"idle","lamp_h":-0.5"#), .outOfRange,
         "field 'lamp_h' must be a number between 0 and 1000000, got -0.5"),
        (telemetry(#""state":"fault","fault":7"#), .wrongType, "field 'fault' must be a string, got a number"),
        (telemetry(#""state":"fault","fault":"0123456789012345678901234567890123""#), .outOfRange,
         "field 'fault' must be 0-32 characters, got \"0123456789012345678901234567890123\""),
    ])
    func invalidDisinfector(json: String, reason: RejectReason, message: String) {
        let rejection = decode(disinfectorTopic + "telemetry", json, kind: .disinfector).rejection
        #expect(rejection?.reason == reason)
        #expect(rejection?.message == message)
    }

    @Test("camera health keeps numeric and boolean extras")
    func camera() throws {
        let json = telemetry(#""fps":15,"storage_ok":true,"ir_on":false,"temp_c":48.5,"name":"x","Bad-Key":1,"list":[1]"#)
        #expect(decode(cameraTopic + "telemetry", json, kind: .camera).readings
            == .camera(CameraHealth(fps: 15, extras: ["storage_ok": 1, "ir_on": 0, "temp_c": 48.5])))
        #expect(decode(cameraTopic + "telemetry", telemetry(""), kind: .camera).rejection?.message
            == "missing required field 'fps'")
        #expect(decode(cameraTopic + "telemetry", telemetry(#""fps":241"#), kind: .camera).reason == .outOfRange)
        let many = (0..<40).map { "\"h\($0)\":\($0)" }.joined(separator: ",")
        guard case .camera(let health)? = decode(cameraTopic + "telemetry", telemetry("\"fps\":1," + many), kind: .camera)
            .readings else {
            Issue.record("expected camera health")
            return
        }
        #expect(health.extras.count == 32)
    }

    @Test("scale status")
    func scale() {
        #expect(decode(scaleTopic + "telemetry", telemetry(#""calibrated_at":1761000000000"#), kind: .scale).readings
            == .scale(ScaleStatus(calibratedAt: 1_761_000_000_000)))
        #expect(decode(scaleTopic + "telemetry", telemetry(""), kind: .scale).readings == .scale(ScaleStatus()))
        #expect(decode(scaleTopic + "telemetry", telemetry(#""calibrated_at":-5"#), kind: .scale).reason == .outOfRange)
    }
}
