import DeviceIngest
import KitchenModel
import Testing

private let checkerTopic = "bk/v1/canteen-01/checker-1/"
private func checkEvent(_ body: String) -> String { telemetry(#""type":"check","# + body) }
private let fit = #""worker":"w-001","via":"card","temp_c":36.4,"hands_ok":true,"uniform_ok":true"#

/// The 晨检仪's `check` event and telemetry: valid shapes, and the hostile ones refused with a reason.
@Suite("Check event decoding")
struct CheckDecoderTests {

    @Test("a fit worker's check, and one with a fever and symptoms")
    func validChecks() throws {
        let message = try #require(decode(checkerTopic + "event", checkEvent(fit), kind: .checker).message)
        #expect(message.sequence == SequenceStamp(seq: 1, deviceTime: baseTS))
        #expect(message.payload == .event(.check(MorningCheckEvent(worker: "w-001", via: .card, temperatureC: 36.4,
                                                                    handsOK: true, uniformOK: true))))
        let sick = checkEvent(#""worker":"w-002","via":"face","temp_c":37.8,"hands_ok":false,"uniform_ok":true,"#
            + #""symptoms":["fever","sore-throat"]"#)
        #expect(decode(checkerTopic + "event", sick, kind: .checker).event == .check(MorningCheckEvent(
            worker: "w-002", via: .face, temperatureC: 37.8, handsOK: false, uniformOK: true, symptoms: ["fever", "sore-throat"])))
    }

    @Test("invalid checks", arguments: [
        (checkEvent(#""via":"card","temp_c":36.4,"hands_ok":true,"uniform_ok":true"#), RejectReason.missingField,
         "missing required field 'worker'"),
        (checkEvent(#""worker":"W 001","via":"card","temp_c":36.4,"hands_ok":true,"uniform_ok":true"#), .outOfRange,
         "field 'worker' must be 1-64 characters of a-z 0-9 - _, got \"W 001\""),
        (checkEvent(#""worker":"w-001","via":"iris","temp_c":36.4,"hands_ok":true,"uniform_ok":true"#), .outOfRange,
         "field 'via' must be one of card, face, got \"iris\""),
        (checkEvent(#""worker":"w-001","via":"card","temp_c":95,"hands_ok":true,"uniform_ok":true"#), .outOfRange,
         "field 'temp_c' must be a number between 20 and 50, got 95"),
        (checkEvent(#""worker":"w-001","via":"card","temp_c":"36.4","hands_ok":true,"uniform_ok":true"#), .wrongType,
         "field 'temp_c' must be a number, got a string"),
        (checkEvent(#""worker":"w-001","via":"card","temp_c":36.4,"hands_ok":1,"uniform_ok":true"#), .wrongType,
         "field 'hands_ok' must be true or false, got a number"),
        (checkEvent(#""worker":"w-001","via":"card","temp_c":36.4,"hands_ok":true"#), .missingField,
         "missing required field 'uniform_ok'"),
        (checkEvent(fit + #","symptoms":"fever""#), .wrongType, "field 'symptoms' must be an array of strings, got a string"),
        (checkEvent(fit + #","symptoms":[1]"#), .wrongType, "field 'symptoms' must be a string, got a number"),
        (checkEvent(fit + #","symptoms":[["fever"]]"#), .wrongType, "field 'symptoms' must be an array of strings, but it holds an array or object"),
        (checkEvent(fit + #","symptoms":["headache"]"#), .outOfRange,
         "field 'symptoms' must list only fever, diarrhoea, vomiting, sore-throat, skin-wound, got \"headache\""),
        (checkEvent(fit + #","symptoms":["fever","fever"]"#), .outOfRange, "field 'symptoms' lists \"fever\" twice"),
        (checkEvent(fit + #","symptoms":["a","b","c","d","e","f"]"#), .outOfRange,
         "field 'symptoms' holds 6 items; the limit is 5"),
    ])
    func invalidChecks(json: String, reason: RejectReason, message: String) {
        let rejection = decode(checkerTopic + "event", json, kind: .checker).rejection
        #expect(rejection?.reason == reason)
        #expect(rejection?.message == message)
    }

    @Test("duplicate keys, a check from another class and another event type from a checker are refused")
    func hostile() {
        let twice = checkEvent(#""worker":"w-001","worker":"w-002","via":"card","temp_c":36.4,"hands_ok":true,"uniform_ok":true"#)
        #expect(decode(checkerTopic + "event", twice, kind: .checker).reason == .badJSON)
        #expect(decode(cameraTopic + "event", checkEvent(fit), kind: .camera).rejection?.message
            == "event type 'check' comes from checker devices, but this device is registered as 'camera'")
        let run = telemetry(#""type":"run","mode":"uv","start":1,"end":2"#)
        #expect(decode(checkerTopic + "event", run, kind: .checker).reason == .kindMismatch)
        // Checkers send no weighings, snapshots or frames.
        #expect(decode(checkerTopic + "weigh", checkEvent(fit), kind: .checker).reason == .kindMismatch)
        #expect(decode(checkerTopic + "snapshot/s1", bytes: minimalJPEG, lookup: .known(.checker)).reason == .kindMismatch)
    }

    @Test("checker telemetry: a heartbeat with an optional count")
    func telemetryShapes() {
        #expect(decode(checkerTopic + "telemetry", telemetry(#""checks_today":12"#), kind: .checker).readings
            == .checker(CheckerStatus(checksToday: 12)))
        #expect(decode(checkerTopic + "telemetry", telemetry(""), kind: .checker).readings == .checker(CheckerStatus()))
        #expect(decode(checkerTopic + "telemetry", telemetry(#""checks_today":-1"#), kind: .checker).reason == .outOfRange)
    }
}
