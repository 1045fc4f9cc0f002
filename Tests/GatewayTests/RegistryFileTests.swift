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

@Suite struct RegistryScheduleTests {
    let site = "sites: [{id: a, kind: canteen, region: '420106', hours: '06:00-20:00'}]\n"

    @Test func readsTheThreeTimings() throws {
        let registry = try RegistryFile.parse(yaml: site + """
            devices:
              - {id: uv, site: a, kind: disinfector, schedule: {mode: uv, times: "06:00, 10:30", run_min: 30}}
              - {id: dish, site: a, kind: disinfector, schedule: {mode: infrared, after_service: 10}}
              - {id: uv2, site: a, kind: disinfector, schedule: {mode: uv, before_service: 30}}
            """)
        let a = SiteID("a")!
        #expect(registry.device(DeviceKey(site: a, device: DeviceID("uv")!))?.schedule
            == ScheduleSpec(mode: .uv, timing: .times(["06:00", "10:30"]), runMinutes: 30))
        #expect(registry.device(DeviceKey(site: a, device: DeviceID("dish")!))?.schedule?.timing == .afterService(minutes: 10))
        #expect(registry.device(DeviceKey(site: a, device: DeviceID("uv2")!))?.schedule?.timing == .beforeService(minutes: 30))
    }

    @Test(arguments: [
        ("{id: t, site: a, kind: thermo, schedule: {mode: uv, times: '06:00'}}", "only disinfectors"),
        ("{id: d, site: a, kind: disinfector, schedule: {mode: bleach, times: '06:00'}}", "mode 'bleach'"),
        ("{id: d, site: a, kind: disinfector, schedule: {mode: uv}}", "exactly one of"),
        ("{id: d, site: a, kind: disinfector, schedule: {mode: uv, times: '25:00'}}", "times '25:00'"),
        ("{id: d, site: a, kind: disinfector, schedule: {mode: uv, times: '06:00', run_min: 0}}", "run_min 0"),
    ])
    func explainsBadSchedules(device: String, expected: String) {
        #expect(throws: RegistryFile.LoadError.self) { try RegistryFile.parse(yaml: site + "devices: [\(device)]") }
        do {
            _ = try RegistryFile.parse(yaml: site + "devices: [\(device)]")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }
}
