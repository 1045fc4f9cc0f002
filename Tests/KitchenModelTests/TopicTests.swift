import KitchenModel
import Testing

/// `Topic` is the one place topics are built and parsed: what it builds parses back to the same
/// value, and what it parses it rebuilds to the same text.
@Suite("Topic")
struct TopicTests {
    static let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge_1")!)
    static let region = RegionCode("420106")!

    @Test("build then parse round-trips every kind of topic", arguments: [
        (Topic.device(fridge, .telemetry), "bk/v1/canteen-01/fridge_1/telemetry"),
        (.device(fridge, .state), "bk/v1/canteen-01/fridge_1/state"),
        (.device(fridge, .event), "bk/v1/canteen-01/fridge_1/event"),
        (.device(fridge, .birth), "bk/v1/canteen-01/fridge_1/birth"),
        (.device(fridge, .weigh), "bk/v1/canteen-01/fridge_1/weigh"),
        (.device(fridge, .frame), "bk/v1/canteen-01/fridge_1/frame"),
        (.device(fridge, .ticket), "bk/v1/canteen-01/fridge_1/ticket"),
        (.device(fridge, .cmd), "bk/v1/canteen-01/fridge_1/cmd"),
        (.device(fridge, .snapshot(id: "evt-1_a")), "bk/v1/canteen-01/fridge_1/snapshot/evt-1_a"),
        (.siteFeed(SiteID("canteen-01")!, .alarms), "bk/v1/canteen-01/_gateway/alarms"),
        (.siteFeed(SiteID("canteen-01")!, .digest), "bk/v1/canteen-01/_gateway/digest"),
        (.regulatorFeed(region, .alarms), "bk/v1/_regulator/42/4201/420106/alarms"),
        (.regulatorFeed(region, .digest), "bk/v1/_regulator/42/4201/420106/digest"),
        (.gatewayState(gatewayID: "gw1"), "bk/v1/_gateway/gw1/state"),
    ])
    func roundTrip(topic: Topic, text: String) throws {
        #expect(topic.description == text)
        #expect(try Topic.parse(text) == topic)
        #expect(try Topic.parse(topic.description).description == text)
    }

    @Test("a station's alarms go to its county's regulator topic")
    func stationRegion() throws {
        let topic = Topic.regulatorFeed(RegionCode("420106-03")!, .alarms)
        #expect(topic.description == "bk/v1/_regulator/42/4201/420106/alarms")
        #expect(try Topic.parse(topic.description) == .regulatorFeed(Self.region, .alarms))
    }

    @Test("other topics under reserved ids are the gateway's, kept as they are", arguments: [
        "bk/v1/_regulator/42", "bk/v1/_gateway/gw1/stats", "bk/v1/canteen-01/_gateway/alarms/extra",
        "bk/v1/_regulator/42/4299/420106/alarms", "bk/v1/_future/a/b/c/d/e/f",
    ])
    func reserved(text: String) throws {
        let parsed = try Topic.parse(text)
        #expect(parsed == .reserved(String(text.dropFirst(Topic.prefix.count))))
        #expect(parsed.description == text)
    }

    /// Wrong prefix, wrong segment count, bad ids, empty segments.
    @Test("malformed topics are bad_topic", arguments: [
        "", "bk", "bk/v1", "bk/v1/", "bk/v2/canteen-01/fridge-1/telemetry", "/bk/v1/canteen-01/fridge-1/telemetry",
        "bk/v1/canteen-01", "bk/v1/canteen-01/fridge-1", "bk/v1/canteen-01/fridge-1/",
        "bk/v1/canteen-01/fridge-1/snapshot/a/b", "bk/v1/canteen-01/fridge-1/snapshot", "bk/v1/canteen-01/fridge-1/snapshot/A",
        "bk/v1/Canteen-01/fridge-1/telemetry", "bk/v1/canteen-01/fridge 1/telemetry", "bk/v1//fridge-1/telemetry",
        "bk/v1/" + String(repeating: "a", count: 65) + "/fridge-1/telemetry", "bk/v1/canteen-01/fridge-1é/telemetry",
    ])
    func malformed(text: String) {
        #expect(throws: Rejection.self) { try Topic.parse(text) }
        #expect((try? Topic.parse(text)) == nil)
        do { _ = try Topic.parse(text) } catch { #expect(error.reason == .badTopic, "\(text): \(error)") }
    }

    @Test("a published topic never has a wildcard", arguments: [
        "bk/v1/#", "bk/v1/+/fridge-1/telemetry", "bk/v1/canteen-01/+/telemetry", "bk/v1/canteen-01/fridge-1/+",
        "bk/v1/canteen-01/fridge-1/#", "bk/v1/_regulator/42/#", "bk/v1/_gateway/+/state",
    ])
    func wildcards(text: String) {
        do {
            _ = try Topic.parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.reason == .badTopic)
            #expect(error.message.contains("wildcard"))
        }
    }

    @Test("channels protocol v1 does not have are unknown_channel", arguments: [
        "bk/v1/canteen-01/fridge-1/status", "bk/v1/canteen-01/fridge-1/Telemetry", "bk/v1/canteen-01/fridge-1/telemetry/x",
    ])
    func unknownChannel(text: String) {
        do {
            _ = try Topic.parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.reason == .unknownChannel)
        }
    }

    @Test("rejections name the offending id")
    func messages() {
        do {
            _ = try Topic.parse("bk/v1/canteen-01/Fridge/telemetry")
            Issue.record("expected a rejection")
        } catch {
            #expect(error.message.contains("device id \"Fridge\""))
            #expect(error.message.contains("a-z 0-9 - _"))
        }
    }

    @Test("raw ids build only when valid")
    func rawIDs() {
        #expect(Topic.device(site: "canteen-01", device: "fridge_1", .cmd) == .device(Self.fridge, .cmd))
        #expect(Topic.device(site: "Canteen", device: "fridge_1", .cmd) == nil)
        #expect(Topic.device(site: "canteen-01", device: "a/b", .cmd) == nil)
    }

    @Test("filters match the topics they are for")
    func filters() {
        #expect(TopicFilter.all == "bk/v1/#")
        #expect(TopicFilter.everyDevice(.birth) == "bk/v1/+/+/birth")
        #expect(TopicFilter.devicePrefix(Self.fridge) + "telemetry" == Topic.device(Self.fridge, .telemetry).description)
        #expect(TopicFilter.regulator(scope: "42") == "bk/v1/_regulator/42/#")
        #expect(TopicFilter.regulator(scope: "420106") == "bk/v1/_regulator/42/4201/420106/#")
        #expect(Topic.regulatorFeed(Self.region, .alarms).description.hasPrefix(
            String(TopicFilter.regulator(scope: "4201")!.dropLast())))
        #expect(TopicFilter.regulator(scope: "4") == nil)
        #expect(TopicFilter.regulator(scope: "42+") == nil)
        #expect(TopicFilter.gatewayStates == "bk/v1/_gateway/+/state")
    }
}
