import DeviceAdapters
import KitchenModel
import Testing

@Suite("Frigate NVR")
struct FrigateAdapterTests {
    let kitchenCam = key("canteen-01", "cam-back"), marketCam = key("market-01", "cam-stall-row")

    /// One Frigate instance serving cameras on two sites; a custom model reports `rat`/`mouse`.
    func bound(zones: [String] = []) throws -> ThirdPartyRouter {
        try router([
            kitchenCam: DeviceSource(family: "frigate", id: "kitchen_back",
                                     camera: FrigateCamera(detectWidth: 1280, detectHeight: 720, labels: ["cat": "pest"], zones: zones)),
            marketCam: DeviceSource(family: "frigate", id: "stall_row",
                                    camera: FrigateCamera(detectWidth: 640, detectHeight: 480)),
        ])
    }

    /// A tracked object in the shape of Frigate's docs (docs/integrations/mqtt.md, `frigate/events`).
    static func object(camera: String = "kitchen_back", label: String = "rat", box: String = "[320, 360, 480, 540]",
                       zones: String = #"["prep"]"#, falsePositive: Bool = false, topScore: Double = 0.83) -> String {
        #"{"id":"1763779250.475377-mxklsc","camera":"\#(camera)","frame_time":1763779251.837752,"snapshot_time":1763779251.837752,"label":"\#(label)","sub_label":null,"top_score":\#(topScore),"false_positive":\#(falsePositive),"start_time":1763779250.475377,"end_time":null,"score":0.79,"box":\#(box),"area":28800,"ratio":0.89,"region":[264,300,667,703],"current_zones":\#(zones),"entered_zones":\#(zones),"thumbnail":null,"has_snapshot":true,"has_clip":true,"stationary":false,"motionless_count":0,"position_changes":1}"#
    }

    static func event(_ type: String, before: String, after: String) -> String {
        #"{"type":"\#(type)","before":\#(before),"after":\#(after)}"#
    }

    @Test("new: label mapped, box in fractions of the detect frame, top_score, device time")
    func newEvent() throws {
        var r = try bound()
        let outcome = r.adapt("frigate/events", Self.event("new", before: Self.object(), after: Self.object()))
        #expect(outcome.messages.map(\.key) == [kitchenCam])
        #expect(outcome.detection == Detection(label: "rodent", score: 0.83,
                                               box: DetectionBox(x: 0.25, y: 0.5, width: 0.125, height: 0.25),
                                               snapshot: "1763779250-475377-mxklsc"))
        #expect(outcome.adapted.first?.deviceTime == 1_763_779_251_838)
    }

    @Test("label mapping per camera", arguments: [
        ("rat", "rodent"), ("mouse", "rodent"), ("cat", "pest"), ("person", "person"), ("car", nil), ("dog", nil),
    ] as [(String, String?)])
    func labels(frigate: String, canonical: String?) throws {
        var r = try bound()
        let outcome = r.adapt("frigate/events", Self.event("new", before: Self.object(label: frigate), after: Self.object(label: frigate)))
        #expect(outcome.detection?.label == canonical)
        #expect(outcome.isIgnored == (canonical == nil))
    }

    @Test("update and end report nothing new; becoming reportable does")
    func updates() throws {
        var r = try bound(zones: ["prep"])
        let inZone = Self.object(), outside = Self.object(zones: "[]")
        #expect(r.adapt("frigate/events", Self.event("update", before: inZone, after: inZone)).isIgnored)
        #expect(r.adapt("frigate/events", Self.event("end", before: inZone, after: inZone)).isIgnored)
        #expect(r.adapt("frigate/events", Self.event("new", before: outside, after: outside)).isIgnored)
        #expect(r.adapt("frigate/events", Self.event("update", before: outside, after: inZone)).detection?.label == "rodent")
        let wasFalse = Self.object(falsePositive: true)
        #expect(r.adapt("frigate/events", Self.event("update", before: wasFalse, after: inZone)).detection != nil)
    }

    @Test("false positives are ignored")
    func falsePositive() throws {
        var r = try bound()
        let fp = Self.object(falsePositive: true)
        #expect(r.adapt("frigate/events", Self.event("new", before: fp, after: fp)).isIgnored)
    }

    @Test("one instance serves several sites; boxes use each camera's detect size")
    func severalSites() throws {
        var r = try bound()
        let market = Self.object(camera: "stall_row", label: "mouse", box: "[0, 240, 64, 480]")
        let outcome = r.adapt("frigate/events", Self.event("new", before: market, after: market))
        #expect(outcome.messages.map(\.key) == [marketCam])
        #expect(outcome.detection?.box == DetectionBox(x: 0, y: 0.5, width: 0.1, height: 0.5))
    }

    @Test("snapshot bytes are filed under the detection they illustrate")
    func snapshot() throws {
        var r = try bound()
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0xFF, 0xD9]
        let early = r.adapt(topic: "frigate/kitchen_back/rat/snapshot", payload: jpeg, receivedAt: now)
        #expect(early.payloads == [.snapshot(id: "rat-\(now)", jpeg: jpeg)])
        _ = r.adapt("frigate/events", Self.event("new", before: Self.object(), after: Self.object()))
        let linked = r.adapt(topic: "frigate/kitchen_back/rat/snapshot", payload: jpeg, receivedAt: now + 1)
        #expect(linked.payloads == [.snapshot(id: "1763779250-475377-mxklsc", jpeg: jpeg)])
        #expect(r.adapt("frigate/kitchen_back/rat/snapshot", "not a jpeg").rejection
            == Rejection(.notJPEG, "image must be a JPEG starting with the SOI marker FF D8"))
        #expect(r.adapt(topic: "frigate/garage/car/snapshot", payload: jpeg, receivedAt: now)
            == .unmapped(family: .frigate, sourceID: "frigate/garage"))
    }

    @Test("frigate/available is the presence of every camera of the instance")
    func available() throws {
        var r = try bound()
        #expect(r.adapt("frigate/available", "offline").messages
            == [DeviceMessage(key: kitchenCam, receivedAt: now, payload: presence(false)),
                DeviceMessage(key: marketCam, receivedAt: now, payload: presence(false))])
        #expect(r.adapt("frigate/available", "online").payloads == [presence(true), presence(true)])
        #expect(r.adapt("frigate/stats", #"{"cpu_usages":{}}"#).isIgnored)
        #expect(r.adapt("frigate/kitchen_back/person", "1").isIgnored)
    }

    @Test("a custom topic_prefix is its own instance")
    func customInstance() throws {
        var r = try router([kitchenCam: DeviceSource(family: "frigate", id: "kitchen_back", instance: "nvr/site1",
                                                     camera: FrigateCamera(detectWidth: 1280, detectHeight: 720))])
        #expect(r.adapt("nvr/site1/events", Self.event("new", before: Self.object(), after: Self.object())).detection != nil)
        #expect(r.adapt("frigate/events", Self.event("new", before: Self.object(), after: Self.object()))
            == .unmapped(family: .frigate, sourceID: "frigate/kitchen_back"))
    }

    @Test("malformed events are rejected with a reason", arguments: [
        (Self.event("new", before: "null", after: Self.object(box: "[320, 360, 1500, 540]")), RejectReason.outOfRange,
         "field 'after.box' [320, 360, 1500, 540] does not fit the 1280x720 detect frame bound for camera 'kitchen_back'; "
         + "check the registry's detect size against Frigate's cameras.kitchen_back.detect"),
        (Self.event("new", before: "null", after: Self.object(box: "[480, 360, 320, 540]")), .outOfRange,
         "field 'after.box' [480, 360, 320, 540] does not fit the 1280x720 detect frame bound for camera 'kitchen_back'; "
         + "check the registry's detect size against Frigate's cameras.kitchen_back.detect"),
        (Self.event("new", before: "null", after: Self.object(box: "[1, 2, 3]")), .wrongType,
         "field 'after.box' must be [x1, y1, x2, y2] of 4 numbers, got 3"),
        (Self.event("new", before: "null", after: Self.object(zones: "[1]")), .wrongType,
         "field 'after.current_zones' must hold strings, got a number"),
        (Self.event("new", before: "null", after: Self.object(topScore: 1.5)), .outOfRange,
         "field 'after.top_score' must be a number between 0 and 1, got 1.5"),
        (Self.event("created", before: "null", after: Self.object()), .outOfRange,
         "field 'type' must be new, update or end, got \"created\""),
        (#"{"type":"new","before":{}}"#, .missingField, "missing required field 'after'"),
        (#"{"type":"new","after":{"id":"x","label":"rat","top_score":0.9}}"#, .missingField, "missing required field 'after.camera'"),
    ])
    func invalid(payload: String, reason: RejectReason, message: String) throws {
        var r = try bound()
        #expect(r.adapt("frigate/events", payload).rejection == Rejection(reason, message))
    }
}
