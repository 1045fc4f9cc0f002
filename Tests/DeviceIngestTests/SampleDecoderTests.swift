import DeviceIngest
import KitchenModel
import Testing

private let samplerTopic = "bk/v1/canteen-01/sampler-1/"
private func sampleEvent(_ body: String) -> String { telemetry(#""type":"sample","# + body) }
private let lunch = #""box":"L3","meal":"lunch","dish":"番茄炒蛋","grams":152.5"#

/// The 留样柜's `sample` and `door` events and its fridge telemetry: valid shapes, hostile ones refused.
@Suite("Sample and door event decoding")
struct SampleDecoderTests {
    @Test("a sample, a door opening, and the fridge's reading as a thermometer's")
    func validShapes() {
        #expect(decode(samplerTopic + "event", sampleEvent(lunch), kind: .sampler).event
            == .sample(SampleEvent(box: "L3", meal: .lunch, dish: "番茄炒蛋", grams: 152.5)))
        #expect(decode(samplerTopic + "event", sampleEvent(lunch + #","by":"w-002""#), kind: .sampler).event
            == .sample(SampleEvent(box: "L3", meal: .lunch, dish: "番茄炒蛋", grams: 152.5, by: "w-002")))
        #expect(decode(samplerTopic + "event", telemetry(#""type":"door","open_s":35,"removed":["L3","L4"]"#), kind: .sampler).event
            == .door(DoorEvent(openSeconds: 35, removed: ["L3", "L4"])))
        #expect(decode(samplerTopic + "event", telemetry(#""type":"door","open_s":5"#), kind: .sampler).event
            == .door(DoorEvent(openSeconds: 5)))
        #expect(decode(samplerTopic + "telemetry", telemetry(#""t":4.2,"rh":70"#), kind: .sampler).readings
            == .thermo(ThermoReading(celsius: 4.2, humidity: 70, battery: nil)))
    }

    @Test("invalid samples and doors", arguments: [
        (sampleEvent(#""box":"L3","meal":"lunch","dish":"番茄炒蛋","grams":-5"#), RejectReason.outOfRange,
         "field 'grams' must be a number between 0 and 5000, got -5"),
        (sampleEvent(#""box":"L3","meal":"brunch","dish":"番茄炒蛋","grams":150"#), .outOfRange,
         "field 'meal' must be one of breakfast, lunch, dinner, snack, supper, got \"brunch\""),
        (sampleEvent(#""box":"L3","meal":"lunch","grams":150"#), .missingField, "missing required field 'dish'"),
        (sampleEvent(#""box":"L3","meal":"lunch","dish":"","grams":150"#), .outOfRange,
         "field 'dish' must be 1-32 characters, got \"\""),
        (sampleEvent(#""box":"L 3","meal":"lunch","dish":"番茄炒蛋","grams":150"#), .outOfRange,
         "field 'box' must be 1-16 characters of A-Z a-z 0-9 - _ . :, got \"L 3\""),
        (sampleEvent(#""box":"L3","meal":"lunch","dish":"番茄炒蛋","grams":"150""#), .wrongType,
         "field 'grams' must be a number, got a string"),
        (telemetry(#""type":"door","open_s":5,"removed":"L3""#), .wrongType,
         "field 'removed' must be an array of strings, got a string"),
        (telemetry(#""type":"door","open_s":5,"removed":["L3","L3"]"#), .outOfRange, "field 'removed' lists \"L3\" twice"),
        (telemetry(#""type":"door","removed":["L3"]"#), .missingField, "missing required field 'open_s'"),
    ])
    func invalid(json: String, reason: RejectReason, message: String) {
        let rejection = decode(samplerTopic + "event", json, kind: .sampler).rejection
        #expect(rejection?.reason == reason)
        #expect(rejection?.message == message)
    }

    @Test("samples only from samplers, and only their two event types")
    func kinds() {
        #expect(decode("bk/v1/canteen-01/checker-1/event", sampleEvent(lunch), kind: .checker).rejection?.message
            == "event type 'sample' comes from sampler devices, but this device is registered as 'checker'")
        #expect(decode(samplerTopic + "event", telemetry(#""type":"door","open_s":5"#), kind: .thermo).reason == .kindMismatch)
        let check = telemetry(#""type":"check","worker":"w-001","via":"card","temp_c":36.4,"hands_ok":true,"uniform_ok":true"#)
        #expect(decode(samplerTopic + "event", check, kind: .sampler).reason == .kindMismatch)
        #expect(decode(samplerTopic + "event", telemetry(#""type":"weigh""#), kind: .sampler).rejection?.message
            == "field 'type' must be 'sample' or 'door' for a sampler, got \"weigh\"")
    }
}
