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

@Suite struct RegistrySourceTests {
    let site = "sites: [{id: a, kind: canteen, region: '420106'}]\n"
    let a = SiteID("a")!

    @Test func readsEachFamilysSource() throws {
        let registry = try RegistryFile.parse(yaml: site + """
            devices:
              - {id: fridge-1, site: a, kind: thermo, zone: cold, source: {family: tasmota, id: kitchen-probes, probe: 000008BD38BF}}
              - {id: hot-1, site: a, kind: thermo, source: {family: tasmota, id: kitchen-probes, sensor: DS18B20-3}}
              - {id: dry, site: a, kind: thermo, source: {family: zigbee2mqtt, id: "store/dry shelf"}}
              - {id: ht, site: a, kind: thermo, source: {family: shelly, id: shellyplusht-b8d61a8b17cc, sensor: 100}}
              - {id: uv, site: a, kind: disinfector, schedule: {mode: uv, before_service: 30},
                 source: {family: tasmota, id: uv-plug, plug: {run_w: 15, fault_below_w: 5}}}
              - {id: cam, site: a, kind: camera,
                 source: {family: frigate, id: kitchen_back, instance: nvr, detect: {width: 1280, height: 720},
                          labels: {cat: pest}, zones: [prep]}}
              - {id: native, site: a, kind: thermo}
            """)
        func source(_ id: String) -> DeviceSource? { registry.device(DeviceKey(site: a, device: DeviceID(id)!))?.source }
        #expect(source("fridge-1")?.sensor == .probe("000008BD38BF"))
        #expect(source("hot-1")?.sensor == .key("DS18B20-3"))
        #expect(source("dry")?.sourceID == "store/dry shelf")
        #expect(source("ht")?.sensor == .key("100"), "an unquoted component id is read as text")
        let plug = try #require(source("uv")?.plug)
        #expect(plug.runWatts == 15 && plug.faultBelowWatts == 5 && plug.faultAfterSeconds == 60 && plug.mode == .uv)
        let camera = try #require(source("cam"))
        #expect(camera.instance == "nvr")
        #expect(camera.camera?.detectWidth == 1280)
        #expect(camera.camera?.canonicalLabel(for: "cat") == "pest")
        #expect(camera.camera?.zones == ["prep"])
        #expect(source("native") == nil)
        let bindings = try RegistryFile.sourceBindings(registry)
        #expect(bindings.topicFilters == ["frigate/#", "nvr/#", "shellyplusht-b8d61a8b17cc/events/rpc",
                                          "shellyplusht-b8d61a8b17cc/online", "tele/#", "zigbee2mqtt/#"])
    }

    @Test(arguments: [
        ("{id: f, site: a, kind: thermo, source: {family: tasmota, id: t1}}", "", "loads"),
        ("{id: fridge-2, site: a, kind: disinfector, source: {family: tasmota, id: p, plug: {run_w: 0}}}",
         "devices[0] (fridge-2).source.plug.run_w: must be above 0", ""),
        ("{id: f, site: a, kind: disinfector, source: {family: tasmota, id: p, plug: {fault_below_w: 3}}}",
         "devices[0] (f).source.plug.run_w: is missing", ""),
        ("{id: f, site: a, kind: disinfector, source: {family: tasmota, id: p, plug: {run_w: 5, run_watts: 5}}}",
         "devices[0] (f).source.plug.run_watts: unknown key", ""),
        ("{id: f, site: a, kind: thermo, source: {family: tasmota, id: p, probes: 00AB}}",
         "devices[0] (f).source.probes: unknown key", ""),
        ("{id: f, site: a, kind: thermo, source: {family: homeassistant, id: p}}",
         "devices[0] (f).source.family: must be one of tasmota, zigbee2mqtt, shelly, frigate", ""),
        ("{id: f, site: a, kind: thermo, source: {family: tasmota}}", "devices[0] (f).source.id: is missing", ""),
        ("{id: f, site: a, kind: thermo, source: {family: tasmota, id: 'a/b'}}", "source.id: 'a/b' must be one topic segment", ""),
        ("{id: f, site: a, kind: thermo, source: {family: tasmota, id: t, sensor: AM2301, probe: 00AB}}",
         "source.sensor: give either sensor or probe", ""),
        ("{id: f, site: a, kind: thermo, source: {family: tasmota, id: t, probe: XYZ}}", "source.probe: must be", ""),
        ("{id: f, site: a, kind: camera, source: {family: frigate, id: back}}", "source.detect: a Frigate camera needs", ""),
        ("{id: f, site: a, kind: camera, source: {family: frigate, id: back, detect: {width: 1280}}}",
         "source.detect: needs both width and height", ""),
        ("{id: f, site: a, kind: thermo, source: {family: zigbee2mqtt, id: s, zones: [prep]}}", "source.zones: only Frigate", ""),
        ("{id: f, site: a, kind: thermo, source: {family: tasmota, id: p, plug: {run_w: 15}}}",
         "devices[0] (f): kind is thermo, but a tasmota plug feeds a disinfector", ""),
        ("{id: f, site: a, kind: camera, source: {family: zigbee2mqtt, id: s}}",
         "devices[0] (f): kind is camera, but a zigbee2mqtt source feeds a thermo", ""),
        ("{id: f, site: a, kind: thermo, source: {family: tasmota, id: p, plug: {run_w: abc}}}", "plug.run_w", ""),
    ])
    func explainsBadSources(device: String, expected: String, loads: String) {
        do {
            _ = try RegistryFile.parse(yaml: site + "devices: [\(device)]", path: "r.yaml")
            #expect(loads == "loads", "expected an error mentioning \(expected)")
        } catch {
            #expect(loads.isEmpty, "\(error)")
            #expect("\(error)".contains(expected), "\(error)")
            #expect("\(error)".hasPrefix("r.yaml: "))
        }
    }

    @Test func refusesTwoDevicesOnOneReading() {
        let yaml = site + """
            devices:
              - {id: fridge-1, site: a, kind: thermo, source: {family: tasmota, id: probes, sensor: DS18B20-1}}
              - {id: fridge-2, site: a, kind: thermo, source: {family: tasmota, id: probes, sensor: DS18B20-1}}
            """
        do {
            _ = try RegistryFile.parse(yaml: yaml, path: "r.yaml")
            Issue.record("two devices on one reading must be refused")
        } catch {
            #expect("\(error)".contains("'a/fridge-1' and 'a/fridge-2' are both bound to tasmota 'probes'"), "\(error)")
        }
    }
}
