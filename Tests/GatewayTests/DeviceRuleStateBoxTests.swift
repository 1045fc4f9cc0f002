import Foundation
@testable import Gateway
import KitchenModel
import KitchenRules
import Testing

/// A device's kind-specific rules live in copy-on-write boxes changed in place (issue 13 item 8):
/// a copy of a `DeviceRuleState` (the tick's `before`, a persisted snapshot) must never see a
/// change made through another copy.
@Suite struct DeviceRuleStateBoxTests {
    private let fridge = DeviceKey(site: SiteID("site-1")!, device: DeviceID("fridge-1")!)
    private let start: EpochMillis = 1_741_536_000_000

    private func json(_ rules: DeviceRuleState) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(rules), as: UTF8.self)
    }

    @Test func changingOneCopyLeavesTheOtherAsItWas() throws {
        let config = DeviceConfig(key: fridge, kind: .thermo, zone: .cold, intervalSeconds: 60)
        var rules = DeviceRuleState(config: config, intervalSeconds: 60, startedAt: start)
        let before = rules
        let beforeJSON = try json(before)
        #expect(rules.hasThermo && !rules.hasRunningTimer)

        // 15 °C in a cold room starts the too-warm delay.
        let signals = rules.modifyThermo {
            $0.observe(ThermoReading(celsius: 15), at: start + 60_000, profile: .defaults(for: .cold), sensor: SensorLimits())
        }
        #expect(signals != nil)
        #expect(rules.hasRunningTimer)
        #expect(rules.thermo?.tooWarm.outsideSince == start + 60_000)
        #expect(!before.hasRunningTimer)
        #expect(before.thermo?.tooWarm.outsideSince == nil)
        #expect(try json(before) == beforeJSON)
        #expect(try json(rules) != beforeJSON)

        // Changed again once unshared: in place, and still not visible through the old copy.
        _ = rules.modifyThermo {
            $0.observe(ThermoReading(celsius: 3), at: start + 120_000, profile: .defaults(for: .cold), sensor: SensorLimits())
        }
        #expect(try json(before) == beforeJSON)

        // A decoded state (restart) is boxed the same way and round-trips.
        let restored = try JSONDecoder().decode(DeviceRuleState.self, from: Data(try json(rules).utf8))
        #expect(try json(restored) == (try json(rules)))
    }

    @Test func aDeviceWithoutThoseRulesIsLeftAlone() {
        let scale = DeviceConfig(key: fridge, kind: .scale, zone: .ambient, intervalSeconds: 60)
        var rules = DeviceRuleState(config: scale, intervalSeconds: 60, startedAt: start)
        var ran = false
        #expect(rules.modifyThermo { _ in ran = true } == nil)
        #expect(rules.modifyDisinfection { _ in ran = true } == nil)
        #expect(!ran && !rules.hasThermo && rules.thermo == nil && rules.disinfection == nil)
    }
}
