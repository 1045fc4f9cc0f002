@testable import DeviceIngest
import KitchenModel
import Testing

@Suite("Topic parser")
struct TopicParserTests {
    private func key(_ site: String, _ device: String) -> DeviceKey {
        DeviceKey(site: SiteID(site)!, device: DeviceID(device)!)
    }

    @Test("every inbound channel", arguments: [
        ("birth", Channel.birth), ("state", .state), ("telemetry", .telemetry), ("event", .event),
        ("frame", .frame), ("weigh", .weigh), ("snapshot/evt-1_a", .snapshot(id: "evt-1_a")),
    ])
    func inboundChannels(suffix: String, channel: Channel) throws {
        let parsed = try TopicParser.parse("bk/v1/canteen-01/fridge_1/" + suffix)
        #expect(parsed == .device(key("canteen-01", "fridge_1"), channel))
    }

    @Test("gateway outputs are recognised, not rejected", arguments: [
        "bk/v1/canteen-01/scale-1/ticket", "bk/v1/canteen-01/fridge-1/cmd",
        "bk/v1/canteen-01/_gateway/alarms", "bk/v1/_gateway/gw-1/state",
        "bk/v1/_regulator/42/4201/420106/alarms", "bk/v1/_regulator/42",
    ])
    func gatewayOutputs(topic: String) throws {
        #expect(try TopicParser.parse(topic) == .gatewayOutput)
    }

    @Test("malformed topics are bad_topic", arguments: [
        "", "bk", "bk/v1/", "bk/v1", "bk/v2/canteen-01/fridge-1/telemetry", "BK/v1/canteen-01/fridge-1/telemetry",
        "/bk/v1/canteen-01/fridge-1/telemetry", "bk/v1/canteen-01", "bk/v1/canteen-01/fridge-1",
        "bk/v1/canteen-01/fridge-1/", "bk/v1//fridge-1/telemetry", "bk/v1/canteen-01//telemetry",
        "bk/v1/Canteen-01/fridge-1/telemetry", "bk/v1/canteen-01/fridge 1/telemetry",
        "bk/v1/canteen-01/+/telemetry", "bk/v1/#", "bk/v1/canteen-01/fridge-1/+", "bk/v1/canteen-01/fridge-1/#",
        "bk/v1/canteen-01/fridge-1/snapshot", "bk/v1/canteen-01/fridge-1/snapshot/", "bk/v1/canteen-01/fridge-1/snapshot/A",
        "bk/v1/canteen-01/fridge-1/snapshot/a/b", "bk/v1/canteen-01/fridge-1/telemetry/",
        "bk/v1/" + String(repeating: "a", count: 65) + "/fridge-1/telemetry",
        "bk/v1/canteen-01/fridge-1é/telemetry", "bk/v1/canteen-01/fridge-1/snapshot/" + String(repeating: "x", count: 65),
    ])
    func badTopics(topic: String) {
        #expect(throws: Rejection.self) { try TopicParser.parse(topic) }
        #expect(NativeDecoder().decode(topic: topic, payload: [UInt8](), receivedAt: fixedNow) { _ in .known(.thermo) }
            .reason == .badTopic)
    }

    @Test("unknown channels are unknown_channel", arguments: [
        "bk/v1/canteen-01/fridge-1/status", "bk/v1/canteen-01/fridge-1/Telemetry", "bk/v1/canteen-01/fridge-1/telemetry/x",
        "bk/v1/canteen-01/fridge-1/alarms",
    ])
    func unknownChannels(topic: String) {
        #expect(NativeDecoder().decode(topic: topic, payload: [UInt8](), receivedAt: fixedNow) { _ in .known(.thermo) }
            .reason == .unknownChannel)
    }

    @Test("64-character ids are the limit")
    func longestIDs() throws {
        let id = String(repeating: "z", count: 64)
        #expect(try TopicParser.parse("bk/v1/\(id)/\(id)/snapshot/\(id)") == .device(key(id, id), .snapshot(id: id)))
    }

    @Test("rejections name the offending id")
    func messages() {
        do {
            _ = try TopicParser.parse("bk/v1/Canteen/fridge-1/telemetry")
            Issue.record("expected a rejection")
        } catch {
            #expect(error.message.contains("\"Canteen\""))
            #expect(error.message.contains("a-z 0-9 - _"))
        }
    }
}
