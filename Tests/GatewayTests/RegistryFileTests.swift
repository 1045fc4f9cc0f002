import Gateway
import KitchenModel
import Testing

@Suite struct RegistryFileTests {
    @Test func loadsSitesAndDevices() throws {
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: 420106, hours: "06:00-20:00"}
              - {id: market-01, name: 中南农贸市场, kind: market, region: "420106-03", timezone: Asia/Shanghai}
            devices:
              - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
              - {id: scale-a12, site: market-01, kind: scale}
            """)
        let canteen = try #require(registry.site(SiteID("canteen-01")!))
        #expect(canteen.name == "第一中学食堂")
        #expect(canteen.region.division == "420106")
        #expect(canteen.hours.description == "06:00-20:00")
        #expect(registry.site(SiteID("market-01")!)?.region.station == "03")
        let fridge = try #require(registry.device(DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)))
        #expect(fridge.zone == .cold)
        #expect(fridge.intervalSeconds == 30)
        let scale = try #require(registry.device(DeviceKey(site: SiteID("market-01")!, device: DeviceID("scale-a12")!)))
        #expect(scale.zone == .ambient)
        #expect(scale.intervalSeconds == 60)
    }

    @Test(arguments: [
        ("sites: [{id: Canteen, kind: canteen, region: '420106'}]", "sites[0].id 'Canteen'"),
        ("sites: [{id: _gw, kind: canteen, region: '420106'}]", "not starting with _"),
        ("sites: [{id: a, kind: school, region: '420106'}]", "kind 'school' must be one of"),
        ("sites: [{id: a, kind: canteen, region: '4201'}]", "region '4201'"),
        ("sites: [{id: a, kind: canteen, region: '420106', hours: '9-5'}]", "operating hours '9-5'"),
        ("devices: [{id: d, site: nowhere, kind: thermo}]", "names site 'nowhere'"),
        ("sites: [{id: a, kind: canteen, region: '420106'}]\ndevices: [{id: d, site: a, kind: oven}]", "kind 'oven'"),
        ("sites: [{id: a, kind: canteen, region: '420106'}]\ndevices: [{id: d, site: a, kind: thermo, zone: attic}]",
         "zone 'attic'"),
        ("sites: [{id: a, kind: canteen, region: '420106'}]\ndevices: [{id: d, site: a, kind: thermo, interval_s: 0}]",
         "interval_s 0"),
        ("sites: [{id: a, kind: canteen, region: '420106'}, {id: a, kind: canteen, region: '420106'}]",
         "listed twice"),
        ("sites: {id: a}", "sites"),
    ])
    func explainsWhatIsWrong(yaml: String, expected: String) {
        do {
            _ = try RegistryFile.parse(yaml: yaml, path: "r.yaml")
            Issue.record("expected an error mentioning \(expected)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
            #expect("\(error)".hasPrefix("r.yaml: "))
        }
    }
}

@Suite struct AlarmTopicTests {
    @Test func siteAndRegulatorTopicsFollowTheProtocol() {
        #expect(AlarmTopics.site(SiteID("canteen-01")!) == "bk/v1/canteen-01/_gateway/alarms")
        #expect(AlarmTopics.regulator(RegionCode("420106-03")!) == "bk/v1/_regulator/42/4201/420106/alarms")
    }
}
