import Foundation
import KitchenModel
import Testing
import KitchenRules

@Suite("Persisted state and configuration")
struct CodableTests {
    func roundTrip<V: Codable & Equatable>(_ value: V) throws -> V {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let decoded = try JSONDecoder().decode(V.self, from: encoder.encode(value))
        #expect(decoded == value)
        return decoded
    }

    @Test("every state type survives a JSON round trip")
    func stateTypes() throws {
        var sim = ThermoSimulation(zone: .cold)
        sim.run(minutes: 10) { ThermoReading(celsius: 9 + Double($0) / 8, battery: 10) }
        _ = try roundTrip(sim.rules)

        var presence = PresenceRules(device: key("fridge-1"), intervalSeconds: 60, gatewayStartedAt: T.at(8))
        _ = presence.heard(at: T.at(8))
        _ = presence.will(at: T.at(9))
        _ = try roundTrip(presence)

        let schedule = try DisinfectionSchedule(mode: .uv, times: ["10:30"], runMinutes: 30)
        var disinfection = DisinfectionRules(device: key("uv-1"), schedule: schedule, since: T.midnight)
        _ = disinfection.observe(status: DisinfectorStatus(state: .fault, faultCode: "E1"), at: T.at(9))
        let verdict = disinfection.observe(run: DisinfectionRun(mode: .uv, start: T.at(9), end: T.at(9, 10)), at: T.at(9, 10))
        _ = disinfection.tick(now: T.at(12))
        _ = try roundTrip(disinfection)
        _ = try roundTrip(verdict)
        _ = try roundTrip(schedule)

        var violations = ViolationRules()
        let hours = try OperatingHours(parsing: "06:00-20:00")
        let signals = violations.observe(Detection(label: "rodent", score: 0.9), camera: key("cam-1"), at: T.at(2), hours: hours)
        _ = violations.observe(Detection(label: "no_hat", score: 0.9), camera: key("cam-1"), at: T.at(11), hours: hours)
        _ = try roundTrip(violations)
        _ = try roundTrip(signals)

        let lifecycle = AlarmLifecycle()
        let step = lifecycle.raise(signals[0], id: "a-1")
        let acked = try lifecycle.acknowledge(step.record, by: "wang", at: T.at(3))
        _ = try roundTrip(acked.record)
        _ = try roundTrip(acked.transitions)
        _ = try roundTrip(RuleConfig())
    }

    @Test("a restored thermometer keeps its running delay")
    func delaySurvivesRestart() throws {
        var sim = ThermoSimulation(zone: .cold)
        sim.run(minutes: 10, celsius: 10)
        sim.rules = try roundTrip(sim.rules)
        sim.run(minutes: 6, celsius: 10)
        #expect(sim.log.map(\.signal).actions == ["raise too_warm"])
        #expect(sim.log[0].minute == 15)
    }

    @Test("device keys are stored as site/device")
    func deviceKeyFormat() throws {
        let identity = AlarmIdentity(device: key("fridge-1"), kind: .tooWarm)
        let json = String(decoding: try JSONEncoder().encode(identity), as: UTF8.self)
        #expect(json.contains("\"device\":\"site-1\\/fridge-1\"") || json.contains("\"device\":\"site-1/fridge-1\""))
        #expect(identity.description == "site-1/fridge-1/too_warm")
        #expect(AlarmIdentity(device: key("cam-1"), kind: .violation, label: "rodent").description
            == "site-1/cam-1/violation/rodent")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(AlarmIdentity.self, from: Data(#"{"device":"no-slash","kind":"offline"}"#.utf8))
        }
    }

    @Test("a partial configuration keeps every default it does not name")
    func partialConfig() throws {
        let json = #"""
        {"freezerLimitCelsius": -18,
         "zones": {"cold": {"zone": "cold", "alarmDelaySeconds": 1800}},
         "deviceOverrides": {"site-1/fridge-9": {"zone": "cold", "maxCelsius": 5}},
         "lifecycle": {"yellowCardAfterDays": 3},
         "violations": {"classes": {"rodent": 1, "spill": 2}},
         "disinfection": {"requirements": {"ozone": {"minRunSeconds": 1800}}}}
        """#
        let config = try JSONDecoder().decode(RuleConfig.self, from: Data(json.utf8))
        #expect(config.profile(for: key("f-1"), zone: .freezer).maxCelsius == -18)
        let cold = config.profile(for: key("f-1"), zone: .cold)
        #expect(cold.alarmDelaySeconds == 1_800 && cold.maxCelsius == 8 && cold.recoverySeconds == 300)
        let fridge9 = config.profile(for: key("fridge-9"), zone: .cold)
        #expect(fridge9.maxCelsius == 5 && fridge9.minCelsius == 0 && fridge9.alarmDelaySeconds == 900)
        #expect(config.lifecycle.yellowCardAfterDays == 3 && config.lifecycle.redCardAfterDays == 10)
        #expect(config.violations.riskClass(for: "spill") == .class2 && config.violations.minScore == 0.6)
        #expect(config.disinfection.requirement(for: .ozone).minRunSeconds == 1_800)
        #expect(config.disinfection.requirement(for: .steam).minCelsius == 100)
        #expect(config.sensor == SensorLimits())
        #expect(config.problems().isEmpty)
        _ = try roundTrip(config)
    }

    @Test("validation names every problem by its path")
    func validation() {
        var config = RuleConfig()
        config.zones["colld"] = .defaults(for: .cold)
        var slow = ZoneProfile.defaults(for: .cold)
        slow.alarmDelaySeconds = 3 * 3_600
        config.deviceOverrides[key("fridge-1")] = slow
        config.violations.minScore = 1.5
        config.lifecycle.redCardAfterDays = 4
        config.sensor.batteryClearPercent = 10
        let paths = Set(config.problems().map(\.path))
        #expect(paths == ["zones.colld", "deviceOverrides.site-1/fridge-1.alarmDelaySeconds", "violations.minScore",
                          "lifecycle", "sensor"])
        #expect(config.problems().allSatisfy { !$0.description.isEmpty })
    }

    @Test("alarm kinds have stable names, a category and titles")
    func kinds() {
        #expect(AlarmKind.allCases.count == 26)
        #expect(CameraFaultMessages.kinds.allSatisfy { $0.category == .equipment && $0.rawValue.hasPrefix("camera_") })
        #expect(AlarmKind.allCases.filter { $0.category == .violation } == [.violation])
        #expect(AlarmKind.allCases.allSatisfy { !$0.titleZH.isEmpty && !$0.titleEN.isEmpty })
        #expect(AlarmKind(rawValue: "temperature_not_reached") == .temperatureNotReached)
        #expect(RiskClass(rawValue: 2) == .class2)
    }
}
