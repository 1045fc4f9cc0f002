import DeviceAdapters
import KitchenModel
import Testing

/// Frigate publishes `"before": {}` when a tracked object has no earlier state (its first
/// message); such events were refused as `missing_field`.
@Suite("Frigate events without an earlier state")
struct FrigateEmptyBeforeTests {
    let camera = key("canteen-01", "cam-back")

    func bound() throws -> ThirdPartyRouter {
        try router([camera: DeviceSource(family: "frigate", id: "kitchen_back",
                                         camera: FrigateCamera(detectWidth: 1280, detectHeight: 720))])
    }

    @Test("new with an empty, null or absent before is a detection", arguments: [
        #"{"type":"new","before":{},"after":AFTER}"#,
        #"{"type":"new","before":null,"after":AFTER}"#,
        #"{"type":"new","after":AFTER}"#,
    ])
    func newWithoutBefore(shape: String) throws {
        var r = try bound()
        let payload = shape.replacingOccurrences(of: "AFTER", with: FrigateAdapterTests.object())
        let outcome = r.adapt("frigate/events", payload)
        #expect(outcome.messages.map(\.key) == [camera], "\(outcome)")
        #expect(outcome.detection?.label == "rodent")
    }

    @Test("update with an empty before counts as becoming reportable; a broken before is still refused")
    func updateWithEmptyBefore() throws {
        var r = try bound()
        let after = FrigateAdapterTests.object()
        #expect(r.adapt("frigate/events", FrigateAdapterTests.event("update", before: "{}", after: after)).detection != nil)
        let broken = r.adapt("frigate/events", FrigateAdapterTests.event("update", before: #"{"id":"x"}"#, after: after))
        #expect(broken.rejection?.reason == .missingField, "\(broken)")
    }
}
