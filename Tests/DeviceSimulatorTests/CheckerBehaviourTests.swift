@testable import DeviceSimulator
import Foundation
import KitchenModel
import Testing

/// The simulated 晨检仪: one `check` per worker per simulated day, and its workers as the site's staff.
@Suite("Checker behaviour")
struct CheckerBehaviourTests {
    /// 2026-11-22 07:00 China time.
    let morning: EpochMillis = 1_795_302_000_000

    func context(_ simulated: EpochMillis) -> StepContext {
        StepContext(wall: simulated, simulated: simulated, elapsed: 300, siteOpen: true,
                    clock: SimulationClock(speed: 1, startWall: 0), warmFridge: false)
    }

    @Test("each worker is checked once a day, with the profile's temperature and symptoms")
    func oncePerDay() throws {
        let site = try #require(FleetProfile.load(path: devicesFolder + "/school-canteen.yaml").sites.first)
        let profile = try #require(site.devices.first { $0.kind == .checker })
        guard case .checker(let behaviour) = profile.behaviour else { Issue.record("not a checker"); return }
        var model = CheckerModel(behaviour: behaviour)
        var rng = SeededGenerator(fleetSeed: 1, name: "checker")
        let first = model.advance(context(morning), rng: &rng)
        #expect(first.count == behaviour.workers.count && behaviour.workers.count == 3)
        let payloads = first.compactMap { emission -> String? in
            if case .event(let fields) = emission { return String(decoding: PayloadWriter.object(fields), as: UTF8.self) }
            return nil
        }
        #expect(payloads.allSatisfy { $0.hasPrefix(#"{"type":"check","worker":"w-00"#) })
        let fevered = try #require(payloads.first { $0.contains(#""worker":"w-003""#) })
        let temperature = try #require(fevered.split(separator: ",").first { $0.hasPrefix(#""temp_c":"#) })
        #expect(try #require(Double(temperature.dropFirst(9))) >= 37.8, "the profile's fevered worker: \(fevered)")
        #expect(fevered.contains(#""symptoms":[]"#))
        #expect(model.advance(context(morning + 3_600_000), rng: &rng).isEmpty, "checked already today")
        #expect(model.telemetry() == [.int("checks_today", 3)])
        #expect(model.advance(context(morning + 86_400_000), rng: &rng).count == 3, "the next day again")
    }

    @Test("the generated registry lists a checker's workers as the site's staff")
    func registryStaff() throws {
        let profile = try FleetProfile.load(path: devicesFolder + "/demo-fleet.yaml")
        let fleet = try Fleet(profile: profile, options: SimulatorOptions(brokerURL: "mqtt://127.0.0.1:1"), logger: quietLogger)
        let yaml = fleet.registryYAML()
        let school = try #require(yaml.split(separator: "\n").first { $0.contains(#"id: "wh-no1-middle-school""#) })
        #expect(school.contains(#"staff: [{id: "w-001", name: "王芳", role: "cook", cert_no: "420106-2026-0001", cert_expiry: "2027-03-31"}"#))
        let market = try #require(yaml.split(separator: "\n").first { $0.contains(#"id: "wh-luoshi-market""#) })
        #expect(!market.contains("staff:"), "no checker, no staff")
        #expect(yaml.contains(#"- {id: "checker-entrance", site: "wh-no1-middle-school", kind: checker"#))
    }

    @Test("a checker profile with an impossible worker is refused with its place")
    func badWorker() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bk-checker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.yaml").path
        for (worker, problem) in [("{id: w-1, temp_c: 60}", "workers[0].temp_c"), ("{id: w-1, symptoms: [cough]}", "workers[0].symptoms"),
                                  ("{id: W1}", "workers[0].id"), ("{id: w-1, colour: red}", "colour")] {
            try """
                site: {id: s1, kind: canteen, region: "420106"}
                devices:
                  - {id: checker-1, kind: checker, workers: [\(worker)]}
                """.write(toFile: path, atomically: true, encoding: .utf8)
            #expect { try FleetProfile.load(path: path) } throws: { "\($0)".contains(problem) }
        }
    }
}
