import DeviceIngest
import KitchenModel
import Testing

private func runEvent(_ body: String) -> String { telemetry(#""type":"run","# + body) }
private func detectionEvent(_ body: String) -> String { telemetry(#""type":"detection","# + body) }

@Suite("Event decoding")
struct EventDecoderTests {

    @Test("a disinfection run")
    func validRun() throws {
        let json = runEvent(#""mode":"steam","start":1763778000000,"end":1763779140000,"peak_c":102.3,"hold_s":720"#)
        let message = try #require(decode(disinfectorTopic + "event", json, kind: .disinfector).message)
        #expect(message.sequence == SequenceStamp(seq: 1, deviceTime: baseTS))
        #expect(message.payload == .event(.run(DisinfectionRun(mode: .steam, start: 1_763_778_000_000,
                                                               end: 1_763_779_140_000, peakCelsius: 102.3, holdSeconds: 720))))
    }

    @Test("invalid runs", arguments: [
        (runEvent(#""start":1,"end":2"#), RejectReason.missingField, "missing required field 'mode'"),
        (runEvent(#""mode":"chlorine","start":1,"end":2"#), .outOfRange,
         "field 'mode' must be one of uv, steam, infrared, ozone, dishwasher, got \"chlorine\""),
        (runEvent(#""mode":"uv","end":2"#), .missingField, "missing required field 'start'"),
        (runEvent(#""mode":"uv","start":5,"end":2"#), .outOfRange, "field 'end' (2) must not be before 'start' (5)"),
        (runEvent(#""mode":"uv","start":0,"end":86400001"#), .outOfRange,
         "run lasts 86400001 ms (24 h) from 'start' to 'end'; the limit is 24 h (86400000 ms)"),
        (runEvent(#""mode":"uv","start":1,"end":2,"hold_s":-1"#), .outOfRange,
         "field 'hold_s' must be a number between 0 and 86400, got -1"),
        (runEvent(#""mode":"uv","start":1,"end":2,"peak_c":"hot""#), .wrongType, "field 'peak_c' must be a number, got a string"),
    ])
    func invalidRuns(json: String, reason: RejectReason, message: String) {
        let rejection = decode(disinfectorTopic + "event", json, kind: .disinfector).rejection
        #expect(rejection?.reason == reason)
        #expect(rejection?.message == message)
    }

    @Test("a run lasting exactly 24 h is accepted")
    func longestRun() {
        #expect(decode(disinfectorTopic + "event", runEvent(#""mode":"ozone","start":0,"end":86400000"#), kind: .disinfector)
            .event != nil)
    }

    @Test("a detection with box and snapshot")
    func validDetection() {
        let json = detectionEvent(#""label":"rodent","score":0.91,"box":[0.62,0.71,0.08,0.05],"snapshot":"evt-5013""#)
        #expect(decode(cameraTopic + "event", json, kind: .camera).event == .detection(Detection(
            label: "rodent", score: 0.91, box: DetectionBox(x: 0.62, y: 0.71, width: 0.08, height: 0.05), snapshot: "evt-5013")))
        #expect(decode(cameraTopic + "event", detectionEvent(#""label":"person","score":0"#), kind: .camera).event
            == .detection(Detection(label: "person", score: 0)))
        // Rounding slack: 0.5 + 0.50005 is within the 1.0001 tolerance.
        #expect(decode(cameraTopic + "event", detectionEvent(#""label":"pest","score":1,"box":[0.5,0,0.50005,1]"#), kind: .camera)
            .event != nil)
    }

    @Test("invalid detections", arguments: [
        (detectionEvent(#""score":0.5"#), RejectReason.missingField, "missing required field 'label'"),
        (detectionEvent(#""label":"Rodent","score":0.5"#), .outOfRange,
         "field 'label' must be 1-32 characters of a-z 0-9 _, got \"Rodent\""),
        (detectionEvent(#""label":"no-hat","score":0.5"#), .outOfRange,
         "field 'label' must be 1-32 characters of a-z 0-9 _, got \"no-hat\""),
        (detectionEvent(#""label":"pest","score":1.01"#), .outOfRange, "field 'score' must be a number between 0 and 1, got 1.01"),
        (detectionEvent(#""label":"pest","score":0.5,"box":[0.1,0.2,0.3]"#), .wrongType,
         "field 'box' must be an array [x, y, w, h] of 4 numbers, got 3 numbers"),
        (detectionEvent(#""label":"pest","score":0.5,"box":{"x":1}"#), .wrongType,
         "field 'box' must be an array [x, y, w, h] of 4 numbers, got an object"),
        (detectionEvent(#""label":"pest","score":0.5,"box":[0.1,"0.2",0.3,0.4]"#), .wrongType,
         "field 'box' must be an array [x, y, w, h] of 4 numbers, but it holds a string"),
        (detectionEvent(#""label":"pest","score":0.5,"box":[[0.1],0.2,0.3,0.4]"#), .wrongType,
         "field 'box' must be an array [x, y, w, h] of 4 numbers, got an array"),
        (detectionEvent(#""label":"pest","score":0.5,"box":[0.8,0.1,0.3,0.2]"#), .outOfRange,
         "field 'box' must hold fractions of the frame between 0 and 1 with x + w <= 1 and y + h <= 1, got [0.8, 0.1, 0.3, 0.2]"),
        (detectionEvent(#""label":"pest","score":0.5,"box":[-0.1,0.1,0.3,0.2]"#), .outOfRange,
         "field 'box' must hold fractions of the frame between 0 and 1 with x + w <= 1 and y + h <= 1, got [-0.1, 0.1, 0.3, 0.2]"),
        (detectionEvent(#""label":"pest","score":0.5,"snapshot":"../etc/passwd""#), .outOfRange,
         "field 'snapshot' must be 1-64 characters of a-z 0-9 - _, got \"../etc/passwd\""),
    ])
    func invalidDetections(json: String, reason: RejectReason, message: String) {
        let rejection = decode(cameraTopic + "event", json, kind: .camera).rejection
        #expect(rejection?.reason == reason)
        #expect(rejection?.message == message)
    }

    @Test("event types must fit the device kind", arguments: [
        (DeviceKind.disinfector, #""type":"detection","label":"rodent","score":1"#, RejectReason.kindMismatch,
         "event type 'detection' comes from camera devices, but this device is registered as 'disinfector'"),
        (.camera, #""type":"run","mode":"uv","start":1,"end":2"#, .kindMismatch,
         "event type 'run' comes from disinfector devices, but this device is registered as 'camera'"),
        (.thermo, #""type":"run""#, .kindMismatch, "thermo devices send no events in protocol v1"),
        (.scale, #""type":"detection""#, .kindMismatch, "scale devices send no events in protocol v1"),
        (.camera, #""type":"tamper""#, .outOfRange, "field 'type' must be 'detection' for a camera, got \"tamper\""),
        (.camera, #""label":"rodent","score":1"#, .missingField, "missing required field 'type'"),
        (.camera, #""type":1"#, .wrongType, "field 'type' must be a string, got a number"),
    ])
    func typeChecks(kind: DeviceKind, body: String, reason: RejectReason, message: String) {
        let rejection = decode("bk/v1/canteen-01/dev-1/event", telemetry(body), kind: kind).rejection
        #expect(rejection?.reason == reason)
        #expect(rejection?.message == message)
    }
}
