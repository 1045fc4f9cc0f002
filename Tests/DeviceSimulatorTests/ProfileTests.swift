@testable import DeviceSimulator
import Foundation
import KitchenModel
import Testing

@Suite("Device profiles")
struct ProfileTests {
    @Test("every profile in devices/ loads")
    func shippedProfilesLoad() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: devicesFolder).filter { $0.hasSuffix(".yaml") }
        #expect(Set(files).isSuperset(of: ["school-canteen.yaml", "restaurant.yaml", "farmers-market.yaml", "demo-fleet.yaml"]))
        for file in files {
            let profile = try FleetProfile.load(path: devicesFolder + "/" + file)
            #expect(!profile.sites.isEmpty, "\(file)")
            for site in profile.sites {
                #expect(!site.devices.isEmpty, "\(file): \(site.id)")
                for device in site.devices { #expect(Self.kindMatches(device), "\(file): \(device.id)") }
            }
        }
    }

    static func kindMatches(_ device: DeviceProfile) -> Bool {
        switch (device.kind, device.behaviour) {
        case (.thermo, .thermo), (.disinfector, .disinfector), (.camera, .camera), (.scale, .scale), (.checker, .checker), (.sampler, .sampler): true
        default: false
        }
    }

    @Test("the school canteen has what a canteen has")
    func schoolCanteen() throws {
        let site = try #require(FleetProfile.load(path: devicesFolder + "/school-canteen.yaml").sites.first)
        let zones = site.devices.filter { $0.kind == .thermo || $0.kind == .sampler }.map(\.zone)
        #expect(Set(zones) == [.cold, .freezer, .sample, .hot])
        let modes = site.devices.compactMap { device -> DisinfectionMode? in
            if case .disinfector(let b) = device.behaviour { return b.mode }
            return nil
        }
        #expect(modes.contains(.uv))
        #expect(modes.contains(.infrared) || modes.contains(.steam))
        #expect(site.devices.filter { $0.kind == .camera }.count == 2)
        #expect(site.region.county == "420106")
    }

    @Test("the demo fleet names its sites, kinds and regions")
    func demoFleet() throws {
        let fleet = try FleetProfile.load(path: devicesFolder + "/demo-fleet.yaml")
        #expect(fleet.name == "wuhan-demo")
        #expect(Set(fleet.sites.map(\.kind)) == [.canteen, .restaurant, .market])
        #expect(Set(fleet.sites.map(\.region.county)).isSuperset(of: ["420106", "420102", "420111"]))
        #expect(Set(fleet.sites.map(\.id)).count == fleet.sites.count)
        let market = try #require(fleet.sites.first { $0.kind == .market })
        #expect(market.devices.filter { $0.kind == .scale }.count == 3)
        #expect(fleet.sites.allSatisfy { !$0.name.isEmpty && $0.hours.intervals.count >= 1 })
    }

    @Test("a typo in a key is named, not silently defaulted")
    func unknownKey() {
        let yaml = """
            site: {id: s1, kind: canteen, region: "420106"}
            devices:
              - {id: fridge-1, kind: thermo, zone: cold, intervall_s: 30}
            """
        #expect {
            try FleetProfile.parse(yaml: yaml, path: "typo.yaml")
        } throws: { error in
            "\(error)".contains("typo.yaml") && "\(error)".contains("devices[0] (fridge-1)")
                && "\(error)".contains("intervall_s")
        }
    }

    @Test("bad values say where and what is allowed")
    func badValues() {
        let cases: [(String, String)] = [
            ("{id: f, kind: thermo, zone: chilly}", "zone"),
            ("{id: d, kind: disinfector, mode: uv}", "schedule"),
            ("{id: d, kind: disinfector, mode: laser, every_min: 60}", "mode"),
            ("{id: s, kind: scale, items: []}", "items"),
            ("{id: Fridge, kind: thermo}", "id"),
            ("{id: c, kind: camera, detections: [{label: No-Hat}]}", "label"),
        ]
        for (device, field) in cases {
            let yaml = "site: {id: s1, kind: canteen, region: \"420106\"}\ndevices:\n  - \(device)\n"
            #expect(throws: ProfileError.self, "\(device)") { try FleetProfile.parse(yaml: yaml) }
            do {
                _ = try FleetProfile.parse(yaml: yaml)
            } catch let error as ProfileError {
                #expect(error.location.contains(field), "\(device): \(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("site copies get unique suffixed ids and the registry lists every device")
    func copiesAndRegistry() throws {
        let profile = try FleetProfile.load(path: devicesFolder + "/demo-fleet.yaml")
        var options = SimulatorOptions(brokerURL: "mqtt://127.0.0.1:1")
        options.siteCopies = 3
        options.speed = 60
        let fleet = try Fleet(profile: profile, options: options, logger: quietLogger)
        #expect(fleet.sites.count == profile.sites.count * 3)
        #expect(Set(fleet.sites.map(\.id)).count == fleet.sites.count)
        #expect(fleet.sites.allSatisfy { $0.id.rawValue.hasSuffix("-c01") || $0.id.rawValue.hasSuffix("-c02")
                                         || $0.id.rawValue.hasSuffix("-c03") })
        let yaml = fleet.registryYAML()
        let deviceCount = profile.sites.reduce(0) { $0 + $1.devices.count } * 3
        #expect(fleet.deviceKeys.count == deviceCount)
        for key in fleet.deviceKeys {
            #expect(yaml.contains("- {id: \"\(key.device)\", site: \"\(key.site)\", kind: "), "\(key)")
        }
        for site in fleet.sites {
            #expect(yaml.contains("- {id: \"\(site.id)\", name: \"\(site.name)\", kind: \(site.kind.rawValue), "
                + "region: \"\(site.region)\""))
        }
        // At 60x a 60 s thermometer reports every second, and the registry says so.
        #expect(yaml.contains("kind: thermo, zone: cold, interval_s: 1}"))
    }

    @Test("options the simulator cannot honour are refused")
    func badOptions() throws {
        let profile = try FleetProfile.parse(yaml: quietThermoProfile)
        var options = SimulatorOptions(brokerURL: "mqtt://127.0.0.1:1883")
        options.speed = 0
        #expect(throws: SimulatorOptionsError.self) { try Fleet(profile: profile, options: options, logger: quietLogger) }
        options = SimulatorOptions(brokerURL: "http://example")
        #expect(throws: (any Error).self) { try Fleet(profile: profile, options: options, logger: quietLogger) }
        options = SimulatorOptions(brokerURL: "mqtt://127.0.0.1:1883")
        options.faults.dropRate = 1.5
        #expect(throws: SimulatorOptionsError.self) { try Fleet(profile: profile, options: options, logger: quietLogger) }
    }
}
