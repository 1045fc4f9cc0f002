@testable import DeviceSimulator
import Foundation
import KitchenModel
import Testing

/// The simulated 留样柜: every dish sampled once a simulated day but the forgotten one, old boxes
/// taken out after 48 h, its fridge reported like a thermometer, and its meals as the site's plan.
@Suite("Sampler behaviour")
struct SamplerBehaviourTests {
    /// 2026-11-22 07:00 China time.
    let morning: EpochMillis = 1_795_302_000_000

    func context(_ simulated: EpochMillis, wall: EpochMillis? = nil) -> StepContext {
        StepContext(wall: wall ?? simulated, simulated: simulated, elapsed: 300, siteOpen: true,
                    clock: SimulationClock(speed: 1, startWall: 0), warmFridge: false)
    }

    func payloads(_ emissions: [Emission]) -> [String] {
        emissions.compactMap { emission -> String? in
            if case .event(let fields) = emission { return String(decoding: PayloadWriter.object(fields), as: UTF8.self) }
            return nil
        }
    }

    @Test("each dish but the forgotten one is sampled once a day; boxes leave after their 48 h")
    func oncePerDay() throws {
        let site = try #require(FleetProfile.load(path: devicesFolder + "/school-canteen.yaml").sites.first)
        let profile = try #require(site.devices.first { $0.kind == .sampler })
        #expect(profile.zone == .sample)
        guard case .sampler(let behaviour) = profile.behaviour else { Issue.record("not a sampler"); return }
        var rng = SeededGenerator(fleetSeed: 1, name: "sampler")
        var model = SamplerModel(behaviour: behaviour, startSimulated: morning, rng: &rng)
        let first = payloads(model.advance(context(morning), rng: &rng))
        #expect(first.count == 9 && first.allSatisfy { $0.hasPrefix(#"{"type":"sample","box":""#) })
        #expect(!first.contains { $0.contains("清炒时蔬") } && first.contains { $0.contains(#""dish":"番茄炒蛋""#) })
        #expect(model.advance(context(morning + 3_600_000), rng: &rng).isEmpty, "sampled already today")
        let fields = model.telemetry(context(morning), rng: &rng).map(\.key)
        #expect(fields == ["t", "rh", "bat"], "the fridge reports like a thermometer")
        // The next simulated day, one wall hour later: new samples, nothing taken out yet.
        #expect(payloads(model.advance(context(morning + 86_400_000, wall: morning + 3_600_000), rng: &rng)).count == 9)
        // Two days of wall time later the first day's boxes go, in one door event.
        let later = payloads(model.advance(context(morning + 2 * 86_400_000, wall: morning + 50 * 3_600_000), rng: &rng))
        #expect(later.count == 1 + 9)
        let door = try #require(later.first)
        #expect(door.hasPrefix(#"{"type":"door","open_s":"#) && door.contains(#""removed":["B"#), "\(door)")
    }

    @Test("the generated registry lists a sampler's meals as the site's meal plan")
    func registryMealPlan() throws {
        let profile = try FleetProfile.load(path: devicesFolder + "/demo-fleet.yaml")
        let fleet = try Fleet(profile: profile, options: SimulatorOptions(brokerURL: "mqtt://127.0.0.1:1"), logger: quietLogger)
        let yaml = fleet.registryYAML()
        let school = try #require(yaml.split(separator: "\n").first { $0.contains(#"id: "wh-no1-middle-school""#) })
        #expect(school.contains(#"meal_plan: [{meal: breakfast, ends: "09:00", dishes: ["肉包子", "茶叶蛋", "小米粥"]}"#), "\(school)")
        #expect(school.contains(#""清炒时蔬""#), "the forgotten dish is on the plan")
        #expect(yaml.contains(#"- {id: "sampler-1", site: "wh-no1-middle-school", kind: sampler"#))
    }

    @Test("a sampler profile with an impossible meal is refused with its place")
    func badMeal() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bk-sampler-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.yaml").path
        for (meal, problem) in [("{meal: brunch, dishes: [{dish: a}]}", "meals[0].meal"), ("{meal: lunch, dishes: []}", "meals[0].dishes"),
                                ("{meal: lunch, dishes: [{dish: a, grams: -1}]}", "meals[0].dishes[0].grams"),
                                ("{meal: lunch, dishes: [{dish: a}], colour: red}", "colour")] {
            try """
                site: {id: s1, kind: canteen, region: "420106"}
                devices:
                  - {id: sampler-1, kind: sampler, meals: [\(meal)]}
                """.write(toFile: path, atomically: true, encoding: .utf8)
            #expect { try FleetProfile.load(path: path) } throws: { "\($0)".contains(problem) }
        }
    }
}
