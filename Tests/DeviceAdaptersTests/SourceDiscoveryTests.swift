import DeviceAdapters
import KitchenModel
import Testing

@Suite("Discovery")
struct SourceDiscoveryTests {
    /// What a broker carries, shaped as each project documents it.
    static let traffic: [(String, String)] = [
        ("tele/probes/SENSOR", TasmotaAdapterTests.probes),
        ("tele/probes/LWT", "Online"),
        ("tele/uv-plug/SENSOR", #"{"Time":"2025-11-22T10:40:30","ENERGY":{"Total":12.3,"Power":34,"Voltage":229}}"#),
        ("tele/uv-plug/STATE", #"{"Time":"2025-11-22T10:40:30","POWER":"ON"}"#),
        ("tele/uv-plug/INFO1", #"{"Module":"Sonoff S31"}"#),
        ("zigbee2mqtt/store/dry shelf", #"{"temperature":18.4,"humidity":55.2,"battery":97,"linkquality":96}"#),
        ("zigbee2mqtt/store/dry shelf/availability", #"{"state":"offline"}"#),
        ("zigbee2mqtt/hall light", #"{"state":"ON","brightness":200}"#),
        ("shellyplusht-b8d61a8b17cc/events/rpc",
         #"{"method":"NotifyFullStatus","params":{"ts":1763779250.1,"temperature:0":{"id":0,"tC":4.2},"humidity:0":{"id":0,"rh":61},"temperature:100":{"id":100,"tC":-19.5},"devicepower:0":{"id":0,"battery":{"V":5.9,"percent":88}}}}"#),
        ("frigate/events",
         #"{"type":"new","after":{"id":"1763779250.475377-mxklsc","camera":"kitchen_back","label":"rat","score":0.8,"top_score":0.8,"box":[320,360,480,540],"current_zones":[],"false_positive":false,"frame_time":1763779250.4,"has_snapshot":true}}"#),
        ("bk/v1/canteen-01/fridge-9/birth",
         #"{"kind":"thermo","model":"bk-th1","fw":"1.4.2","boot":3,"interval_s":60}"#),
        ("tele/probes/SENSOR", "{not json"),
        ("some/other/topic", "hello"),
    ]

    func discover() -> SourceDiscovery {
        var discovery = SourceDiscovery()
        for (topic, payload) in Self.traffic { discovery.observe(topic: topic, payload: Array(payload.utf8)) }
        return discovery
    }

    @Test("every reading a broker carries becomes one proposal, with its selection")
    func proposals() {
        let origins = Set(discover().proposals.map(\.origin))
        #expect(origins == [
            .thirdParty(family: .tasmota, sourceID: "probes", instance: nil, sensor: nil, probe: "000008BD38BF", plug: false),
            .thirdParty(family: .tasmota, sourceID: "probes", instance: nil, sensor: nil, probe: "000008BD9714", plug: false),
            .thirdParty(family: .tasmota, sourceID: "probes", instance: nil, sensor: nil, probe: "000008C02C3A", plug: false),
            .thirdParty(family: .tasmota, sourceID: "uv-plug", instance: nil, sensor: nil, probe: nil, plug: true),
            .thirdParty(family: .zigbee2mqtt, sourceID: "store/dry shelf", instance: nil, sensor: nil, probe: nil, plug: false),
            .thirdParty(family: .shelly, sourceID: "shellyplusht-b8d61a8b17cc", instance: nil, sensor: nil, probe: nil, plug: false),
            .thirdParty(family: .shelly, sourceID: "shellyplusht-b8d61a8b17cc", instance: nil, sensor: "100", probe: nil, plug: false),
            .thirdParty(family: .frigate, sourceID: "kitchen_back", instance: "frigate", sensor: nil, probe: nil, plug: false),
            .native(site: "canteen-01", device: "fridge-9"),
        ])
    }

    @Test("garbage and foreign topics are not evidence")
    func unrecognised() {
        var discovery = SourceDiscovery()
        // `#expect` cannot call a mutating method: results are taken first.
        let recognised = [
            discovery.observe(topic: "tele/probes/SENSOR", payload: Array("{not json".utf8)),
            discovery.observe(topic: "some/other/topic", payload: Array("hello".utf8)),
            discovery.observe(topic: "bk/v1/Bad Site/x/birth", payload: Array("{}".utf8)),
        ]
        #expect(recognised == [false, false, false])
        #expect(discovery.proposals.isEmpty)
    }

    @Test("proposed YAML names family, readings, zone guess and presence")
    func yaml() {
        let text = DiscoveryYAML.render(discover().proposals, site: "canteen-01")
        let lines = text.split(separator: "\n").map(String.init)
        func entry(containing needle: String) -> (comment: String, entry: String)? {
            guard let i = lines.firstIndex(where: { $0.hasPrefix("  - ") && $0.contains(needle) }), i > 0 else { return nil }
            return (lines[i - 1], lines[i])
        }
        let freezer = entry(containing: #"probe: "000008BD9714""#)
        #expect(freezer?.entry.contains("kind: thermo, zone: freezer, interval_s: 300") == true, "\(text)")
        #expect(freezer?.comment.contains("DS18B20-2 Temperature -18.5 °C") == true)
        #expect(freezer?.comment.contains("; online") == true, "the LWT applies to every probe of the device")
        #expect(entry(containing: #"probe: "000008BD38BF""#)?.entry.contains("zone: cold") == true)
        #expect(entry(containing: #"probe: "000008C02C3A""#)?.entry.contains("zone: hot") == true)
        let plug = entry(containing: "plug:")
        #expect(plug?.entry.contains("kind: disinfector") == true)
        #expect(plug?.entry.contains("plug: {run_w: 17}") == true, "half of the 34 W seen")
        #expect(plug?.comment.contains("POWER ON") == true)
        let zigbee = entry(containing: "zigbee2mqtt")
        #expect(zigbee?.entry.contains(#"id: store-dry-shelf, site: canteen-01"#) == true)
        #expect(zigbee?.entry.contains(#"id: "store/dry shelf""#) == true, "a name with / and a space is quoted")
        #expect(zigbee?.comment.contains("; offline") == true)
        #expect(entry(containing: #"sensor: "100""#)?.comment.contains("battery 88 %") == true)
        let camera = entry(containing: "frigate")
        #expect(camera?.entry.contains("kind: camera") == true)
        #expect(camera?.entry.contains("detect: {width: 1280, height: 720}") == true)
        #expect(camera?.comment.contains("label rat 0.8") == true)
        #expect(entry(containing: "fridge-9")?.entry == "  - {id: fridge-9, site: canteen-01, kind: thermo, zone: ambient, interval_s: 60}")
        #expect(!text.contains("hall"), "a zigbee light is not a thermometer")
    }

    @Test("without --site the placeholder stands out")
    func placeholderSite() {
        var discovery = SourceDiscovery()
        discovery.observe(topic: "tele/th/SENSOR", payload: Array(#"{"AM2301":{"Temperature":3}}"#.utf8))
        #expect(DiscoveryYAML.render(discovery.proposals, site: nil).contains("site: SITE,"))
    }
}
