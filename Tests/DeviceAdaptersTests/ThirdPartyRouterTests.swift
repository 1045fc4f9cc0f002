import DeviceAdapters
import KitchenModel
import Testing

@Suite("Routing, unmapped sources, hostile input")
struct ThirdPartyRouterTests {
    @Test("topics no adapter claims are not third-party", arguments: [
        "bk/v1/canteen-01/fridge-1/telemetry", "homeassistant/sensor/x/config", "tele/too/many/segments/SENSOR",
        "shellyplus1-abc/status/switch:0", "", "/",
    ])
    func notClaimed(topic: String) throws {
        var r = try router([:])
        #expect(r.adapt(topic, "{}") == .notThirdParty)
    }

    @Test("unmapped sources are counted and listed, never fatal; binding them clears the list")
    func unmappedTally() throws {
        var r = try router([:])
        _ = r.adapt("tele/plug-7/SENSOR", #"{"ENERGY":{"Power":3}}"#, at: now)
        _ = r.adapt("tele/plug-7/LWT", "Online", at: now + 5)
        _ = r.adapt("zigbee2mqtt/0xabc", #"{"temperature":4}"#, at: now + 10)
        _ = r.adapt("shellyht-1/online", "true", at: now + 20)
        _ = r.adapt("frigate/events", #"{"type":"new","after":{"id":"a","camera":"door","label":"person","top_score":0.9}}"#, at: now + 30)
        #expect(r.unmapped.list.map { "\($0.source.family.rawValue) \($0.source.sourceID) \($0.count)" }
            == ["frigate frigate/door 1", "shelly shellyht-1 1", "zigbee2mqtt 0xabc 1", "tasmota plug-7 2"])
        #expect(r.unmapped.list.last?.firstSeen == now)
        #expect(r.unmapped.list.last?.lastSeen == now + 5)

        r.rebind(try SourceBindings([
            key("canteen-01", "plug"): DeviceSource(family: "tasmota", id: "plug-7"),
            key("canteen-01", "door"): DeviceSource(family: "frigate", id: "door",
                                                    camera: FrigateCamera(detectWidth: 640, detectHeight: 480)),
        ]))
        #expect(r.unmapped.list.map(\.source.sourceID) == ["shellyht-1", "0xabc"])
    }

    @Test("the tally is bounded against a flood of made-up sources")
    func tallyBound() {
        var tally = UnmappedTally()
        for i in 0..<(UnmappedTally.maxSources + 5) { tally.record(family: .tasmota, sourceID: "t\(i)", at: now) }
        #expect(tally.list.count == UnmappedTally.maxSources)
        #expect(tally.overflowCount == 5)
    }

    @Test("two devices on the same reading are refused")
    func conflict() throws {
        #expect(throws: SourceBindings.ConflictError.self) {
            try SourceBindings([key("a", "one"): DeviceSource(family: "zigbee2mqtt", id: "t1"),
                                key("a", "two"): DeviceSource(family: "zigbee2mqtt", id: "t1")])
        }
    }

    @Test("rebinding keeps a run in progress for a device still bound")
    func rebindKeepsState() throws {
        let lamp = key("canteen-01", "uv")
        let source = try DeviceSource(family: "tasmota", id: "uv-plug", plug: PlugDisinfector(runWatts: 15))
        var r = try router([lamp: source])
        _ = r.adapt("tele/uv-plug/SENSOR", #"{"ENERGY":{"Power":36}}"#, at: now)
        r.rebind(try SourceBindings([lamp: source]))
        let ended = r.adapt("tele/uv-plug/SENSOR", #"{"ENERGY":{"Power":0}}"#, at: now + 60_000)
        #expect(ended.payloads.last == .event(.run(DisinfectionRun(mode: .uv, start: now, end: now + 60_000))))
        r.rebind(SourceBindings())
        #expect(r.plugs.isEmpty)
    }

    /// Random and truncated payloads on every family's topics: outcomes only, never a trap.
    @Test("hostile payloads never crash")
    func hostile() throws {
        var r = try router([
            key("s", "t"): DeviceSource(family: "tasmota", id: "t", plug: PlugDisinfector(runWatts: 10)),
            key("s", "t2"): DeviceSource(family: "tasmota", id: "t", probe: "01"),
            key("s", "z"): DeviceSource(family: "zigbee2mqtt", id: "z"),
            key("s", "h"): DeviceSource(family: "shelly", id: "h"),
            key("s", "c"): DeviceSource(family: "frigate", id: "c", camera: FrigateCamera(detectWidth: 10, detectHeight: 10)),
        ])
        let topics = ["tele/t/SENSOR", "tele/t/STATE", "tele/t/LWT", "zigbee2mqtt/z", "zigbee2mqtt/z/availability",
                      "zigbee2mqtt/bridge/state", "h/events/rpc", "h/online", "frigate/events", "frigate/c/rat/snapshot",
                      "frigate/available"]
        let seeds = [#"{"ENERGY":{"Power":[]},"DS18B20-1":{"Id":"01","Temperature":1e400}}"#,
                     #"{"method":"NotifyFullStatus","params":{"temperature:0":{"tC":[[[[[[[[1]]]]]]]]}}}"#,
                     #"{"type":"new","after":{"id":"\ud800","camera":"c","label":"rat","top_score":0.5,"box":[0,0,10,10]}}"#,
                     "\u{0}\u{FF}", String(repeating: "{", count: 10_000)]
        var generator = SystemRandomNumberGenerator()
        for topic in topics {
            for seed in seeds {
                let bytes = Array(seed.utf8)
                for cut in stride(from: 0, through: bytes.count, by: max(1, bytes.count / 7)) {
                    _ = r.adapt(topic: topic, payload: Array(bytes.prefix(cut)), receivedAt: now)
                }
            }
            for _ in 0..<50 {
                let noise = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                _ = r.adapt(topic: topic, payload: noise, receivedAt: now)
            }
        }
        let big = [UInt8](repeating: 0x20, count: 70_000)
        #expect(r.adapt(topic: "zigbee2mqtt/z", payload: big, receivedAt: now).rejection?.reason == .payloadTooLarge)
    }
}
