import KitchenModel
import Testing
import KitchenRules

@Suite("Temperature and humidity excursions")
struct ThermoRulesTests {
    @Test("fridge door open 10 min: no alarm, warning while out")
    func doorOpenTenMinutes() {
        var sim = ThermoSimulation(zone: .cold)
        #expect(sim.run(minutes: 10, celsius: 4.0).isEmpty)
        #expect(sim.rules.zoneStatus == .ok)
        #expect(sim.run(minutes: 10, celsius: 11.0).isEmpty)
        #expect(sim.rules.zoneStatus == .warning)
        #expect(sim.run(minutes: 30, celsius: 4.0).isEmpty)
        #expect(sim.rules.zoneStatus == .ok)
        #expect(!sim.rules.tooWarm.isOutside)
    }

    @Test("20 min above 8 °C: one alarm after 15 min, clears only after hysteresis and recovery")
    func twentyMinutesWarm() throws {
        var sim = ThermoSimulation(zone: .cold)
        sim.run(minutes: 10, celsius: 5.0)
        // minutes 10...29 above the limit, creeping up 1/16 °C a minute
        sim.run(minutes: 20) { ThermoReading(celsius: 9.0 + Double($0) * 0.0625) }
        #expect(sim.log.map(\.signal).actions == ["raise too_warm"])
        let raise = try #require(sim.log.first)
        #expect(raise.minute == 25)  // first reading over at minute 10, delay 15 min
        #expect(raise.signal.detail.durationMillis == 15 * T.minute)
        #expect(raise.signal.detail.limit == 8)
        #expect(raise.signal.detail.peak == 9.9375)
        #expect(raise.signal.detail.message.contains("冷藏库（fridge-1）温度 9.9 °C，超过上限 8 °C 已 15 分钟"))
        #expect(sim.rules.zoneStatus == .alarm)

        // 7.8 °C is inside the limit but not by the 0.5 °C hysteresis: not recovered.
        #expect(sim.run(minutes: 10, celsius: 7.8).isEmpty)
        #expect(sim.rules.zoneStatus == .alarm)
        // Back at 6 °C: recovered after 5 minutes, not before.
        #expect(sim.run(minutes: 5, celsius: 6.0).isEmpty)
        let cleared = sim.run(minutes: 1, celsius: 6.0)
        #expect(cleared.actions == ["clear too_warm"])
        let clear = try #require(cleared.first)
        #expect(clear.detail.peak == 10.1875)
        #expect(clear.detail.since == T.midnight + 10 * T.minute)
        #expect(clear.detail.durationMillis == 30 * T.minute)  // minute 10 until recovery began at 40
        #expect(sim.rules.zoneStatus == .ok)
    }

    @Test("an excursion that dips back briefly before recovering stays one alarm")
    func recoveryInterrupted() {
        var sim = ThermoSimulation(zone: .cold)
        sim.run(minutes: 20, celsius: 10)
        sim.run(minutes: 3, celsius: 6)
        sim.run(minutes: 1, celsius: 9)
        sim.run(minutes: 4, celsius: 6)
        #expect(sim.log.map(\.signal).actions == ["raise too_warm"])
        sim.run(minutes: 2, celsius: 6)
        #expect(sim.log.map(\.signal).actions == ["raise too_warm", "clear too_warm"])
    }

    @Test("updates carry a worsening peak and, every 15 min, the growing duration")
    func updates() {
        var sim = ThermoSimulation(zone: .cold)
        sim.run(minutes: 16, celsius: 9)                       // raise at minute 15
        sim.run(minutes: 1, celsius: 9.4)                      // +0.4: no update
        sim.run(minutes: 1, celsius: 9.5)                      // +0.5: update
        sim.run(minutes: 20, celsius: 9.5)                     // 15 min after the last update: update
        let signals = sim.log.map(\.signal)
        #expect(signals.actions == ["raise too_warm", "update too_warm", "update too_warm"])
        #expect(sim.log.map(\.minute) == [15, 17, 32])
        #expect(signals[1].detail.peak == 9.5)
        #expect(signals[2].detail.durationMillis == 32 * T.minute)
    }

    @Test("freezer defrost spike of 12 min: nothing; a 20 min failure alarms")
    func freezerDefrost() {
        var sim = ThermoSimulation(zone: .freezer)
        sim.run(minutes: 30, celsius: -19)
        sim.run(minutes: 12, celsius: -6)
        sim.run(minutes: 30, celsius: -19)
        #expect(sim.log.isEmpty)
        sim.run(minutes: 20, celsius: -8)
        #expect(sim.log.map(\.signal).actions == ["raise too_warm"])
    }

    @Test("the −18 °C freezer option")
    func freezerOption() {
        let profile = ZoneProfile.defaults(for: .freezer, freezerLimit: -18)
        #expect(profile.maxCelsius == -18)
        var sim = ThermoSimulation(zone: .freezer, profile: profile)
        sim.run(minutes: 20, celsius: -15)
        #expect(sim.log.map(\.signal).actions == ["raise too_warm"])
    }

    @Test("hot holding below 60 °C for 20 min is too_cold")
    func hotHolding() {
        var sim = ThermoSimulation(zone: .hot, device: "bain-1")
        sim.run(minutes: 5, celsius: 70)
        #expect(sim.rules.zoneStatus == .ok)
        sim.run(minutes: 5, celsius: 62)
        #expect(sim.rules.zoneStatus == .warning)  // inside the 3 °C warning band
        sim.run(minutes: 20, celsius: 55)
        #expect(sim.log.map(\.signal).actions == ["raise too_cold"])
        #expect(sim.log[0].signal.detail.message.contains("低于下限 60 °C"))
    }

    @Test("cold store below 0 °C is too_cold")
    func coldStoreFreezing() {
        var sim = ThermoSimulation(zone: .cold)
        sim.run(minutes: 16, celsius: -2)
        #expect(sim.log.map(\.signal).actions == ["raise too_cold"])
    }

    @Test("dry store humidity above 70 %RH")
    func dryStoreHumidity() {
        var sim = ThermoSimulation(zone: .dry, device: "dry-1")
        sim.run(minutes: 10) { _ in ThermoReading(celsius: 22, humidity: 60) }
        #expect(sim.rules.zoneStatus == .ok)
        sim.run(minutes: 20) { _ in ThermoReading(celsius: 22, humidity: 78) }
        sim.run(minutes: 6) { _ in ThermoReading(celsius: 22, humidity: 66) }
        #expect(sim.log.map(\.signal).actions == ["raise humidity_high", "clear humidity_high"])
        #expect(sim.log[0].signal.detail.message.contains("湿度 78 %RH，超过上限 70 %RH"))
    }

    @Test("ambient zone has no limits", arguments: [-20.0, 4.0, 45.0])
    func ambient(celsius: Double) {
        var sim = ThermoSimulation(zone: .ambient)
        sim.run(minutes: 60, celsius: celsius)
        #expect(sim.log.isEmpty)
        #expect(sim.rules.zoneStatus == .ok)
    }

    @Test("a zero delay raises on the first reading past the limit")
    func zeroDelay() {
        var profile = ZoneProfile.defaults(for: .sample)
        profile.alarmDelaySeconds = 0
        var sim = ThermoSimulation(zone: .sample, profile: profile)
        sim.run(minutes: 1, celsius: 9)
        #expect(sim.log.map(\.signal).actions == ["raise too_warm"])
        #expect(sim.log[0].minute == 0)
    }

    @Test("readings older than the newest judged are ignored (replays)")
    func outOfOrder() {
        var rules = ThermoRules(device: key("fridge-1"))
        let profile = ZoneProfile.defaults(for: .cold)
        _ = rules.observe(ThermoReading(celsius: 4), at: T.at(10), profile: profile, sensor: SensorLimits())
        #expect(rules.observe(ThermoReading(celsius: 85), at: T.at(9), profile: profile, sensor: SensorLimits()).isEmpty)
        #expect(rules.lastObservedAt == T.at(10))
    }

    @Test("a limit removed by reconfiguration ends its open excursion")
    func limitRemoved() {
        var sim = ThermoSimulation(zone: .cold)
        sim.run(minutes: 20, celsius: 12)
        sim.profile = .defaults(for: .ambient)
        let signals = sim.run(minutes: 1, celsius: 12)
        #expect(signals.actions == ["clear too_warm"])
        #expect(sim.rules.zoneStatus == .ok)
    }

    @Test("zone defaults come from DOMAIN.md")
    func defaults() {
        let cold = ZoneProfile.defaults(for: .cold)
        #expect(cold.minCelsius == 0 && cold.maxCelsius == 8 && cold.alarmDelaySeconds == 900)
        #expect(ZoneProfile.defaults(for: .sample).maxCelsius == 8)
        #expect(ZoneProfile.defaults(for: .freezer).maxCelsius == -12)
        #expect(ZoneProfile.defaults(for: .hot).minCelsius == 60)
        #expect(ZoneProfile.defaults(for: .dry).maxHumidity == 70)
        let ambient = ZoneProfile.defaults(for: .ambient)
        #expect(ambient.minCelsius == nil && ambient.maxCelsius == nil && ambient.maxHumidity == nil)
    }
}
