import KitchenModel
import Testing
import KitchenRules

@Suite("Sensor faults: implausible, stuck, battery")
struct SensorFaultTests {
    @Test("DS18B20 sentinels and out-of-range values are implausible and feed no excursion",
          arguments: [(85.0, "上电默认值"), (-127.0, "断开"), (150.0, "超出传感器量程"), (-60.0, "超出传感器量程")])
    func implausible(value: Double, phrase: String) {
        var sim = ThermoSimulation(zone: .cold)
        sim.run(minutes: 5, celsius: 4)
        sim.run(minutes: 30, celsius: value)
        #expect(sim.log.map(\.signal).actions == ["raise implausible_value"])
        #expect(sim.log[0].signal.detail.message.contains(phrase))
        #expect(!sim.rules.tooWarm.isOutside && !sim.rules.tooCold.isOutside)
        #expect(sim.rules.zoneStatus == .unknown)
        #expect(sim.rules.lastCelsius == 4)
        sim.run(minutes: 1, celsius: 4.2)
        #expect(sim.log.map(\.signal).actions == ["raise implausible_value", "clear implausible_value"])
        #expect(sim.rules.zoneStatus == .ok)
    }

    @Test("one power-on 85.0 is tolerated when the sensor asks for two in a row")
    func implausibleStreak() {
        var sim = ThermoSimulation(zone: .cold)
        sim.sensor.implausibleAfterReadings = 2
        sim.run(minutes: 1, celsius: 85)
        sim.run(minutes: 10, celsius: 4)
        #expect(sim.log.isEmpty)
        sim.run(minutes: 2, celsius: 85)
        #expect(sim.log.map(\.signal).actions == ["raise implausible_value"])
    }

    @Test("humidity outside 0–100 %RH is implausible, a valid temperature still counts")
    func implausibleHumidity() {
        var sim = ThermoSimulation(zone: .cold)
        sim.run(minutes: 20) { _ in ThermoReading(celsius: 10, humidity: 140) }
        #expect(Set(sim.log.map(\.signal).actions) == ["raise implausible_value", "raise too_warm"])
    }

    @Test("a value stuck 7 h raises stuck_value at 6 h; a change clears it")
    func stuck() throws {
        var sim = ThermoSimulation(zone: .cold)
        sim.run(minutes: 7 * 60, celsius: 4.0)
        #expect(sim.log.map(\.signal).actions == ["raise stuck_value"])
        #expect(sim.log[0].minute == 6 * 60)
        sim.run(minutes: 1, celsius: 4.1)
        #expect(sim.log.map(\.signal).actions == ["raise stuck_value", "clear stuck_value"])
    }

    @Test("stuck detection is off for sensors that do not fluctuate")
    func stuckOff() {
        var sim = ThermoSimulation(zone: .cold)
        sim.sensor.detectsStuck = false
        sim.run(minutes: 8 * 60, celsius: 4.0)
        #expect(sim.log.isEmpty)
    }

    @Test("a fluctuating sensor is never stuck")
    func fluctuating() {
        var sim = ThermoSimulation(zone: .cold)
        sim.run(minutes: 10 * 60) { ThermoReading(celsius: 4 + Double($0 % 3) * 0.0625) }
        #expect(sim.log.isEmpty)
    }

    @Test("low battery below 15 %, clears at 20 %, no flapping in between")
    func battery() {
        var sim = ThermoSimulation(zone: .cold)
        let levels: [Double] = [30, 16, 14, 13, 16, 19, 19.9, 20, 17, 15, 14.9]
        for level in levels { sim.run(minutes: 1) { _ in ThermoReading(celsius: 4 + level / 100, battery: level) } }
        #expect(sim.log.map(\.signal).actions == ["raise low_battery", "clear low_battery", "raise low_battery"])
        #expect(sim.log.map(\.minute) == [2, 7, 10])
        #expect(sim.log[0].signal.detail.message.contains("电量 14%"))
    }
}
