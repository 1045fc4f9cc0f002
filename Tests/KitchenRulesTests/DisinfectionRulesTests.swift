import KitchenModel
import Testing
import KitchenRules

@Suite("Disinfection: schedules, runs, controller status")
struct DisinfectionRulesTests {
    let cabinet = key("cabinet-1")

    func uvRoom() throws -> DisinfectionRules {
        let schedule = try DisinfectionSchedule(mode: .uv, times: ["10:30", "16:30"], runMinutes: 30)
        return DisinfectionRules(device: key("uv-1"), schedule: schedule, since: T.midnight)
    }

    @Test("schedule command fields")
    func commandFields() throws {
        let schedule = try DisinfectionSchedule(mode: .uv, times: ["10:30", "6:00", "10:30"], runMinutes: 30)
        let rules = DisinfectionRules(device: key("uv-1"), schedule: schedule, since: T.midnight)
        #expect(rules.scheduleCommandFields() == ["times": "06:00,10:30", "mode": "uv", "run_min": "30"])
        let manual = DisinfectionRules(device: key("uv-2"), schedule: nil, since: T.midnight)
        #expect(manual.scheduleCommandFields().isEmpty)
        #expect(DeviceCommand.schedule(rules.scheduleCommandFields()).name == "schedule")
    }

    @Test("bad schedule input is refused with a message", arguments: ["25:00", "10:3", "ten", "10:60", ""])
    func badTimes(text: String) {
        #expect(throws: DisinfectionSchedule.ScheduleError.badTime(text)) {
            try DisinfectionSchedule(mode: .uv, times: [text], runMinutes: 30)
        }
    }

    @Test("schedules derived from operating hours")
    func derived() throws {
        let meals = try OperatingHours(parsing: "06:00-09:30,10:30-13:30,16:30-19:00")
        #expect(DisinfectionSchedule.beforeEachService(meals, leadMinutes: 30).timesText == "05:30,10:00,16:00")
        #expect(DisinfectionSchedule.afterEachService(meals).timesText == "09:30,13:30,19:00")
        let night = try OperatingHours(parsing: "22:00-06:00")
        #expect(DisinfectionSchedule.beforeEachService(night, leadMinutes: 30).timesText == "21:30")
        #expect(DisinfectionSchedule.afterEachService(night, lagMinutes: 15).timesText == "06:15")
        #expect(DisinfectionSchedule.afterEachService(.always).minutes.isEmpty)
        let early = try OperatingHours(parsing: "00:10-09:00")
        #expect(DisinfectionSchedule.beforeEachService(early, leadMinutes: 30).timesText == "23:40")
    }

    @Test("a scheduled slot with no run is run_missed once its grace period has passed")
    func missed() throws {
        var rules = try uvRoom()
        #expect(rules.tick(now: T.at(10, 59)).isEmpty)
        let missed = rules.tick(now: T.at(11, 0))
        #expect(missed.actions == ["raise run_missed"])
        #expect(missed[0].detail.scheduledFor == T.at(10, 30))
        #expect(missed[0].detail.message.contains("计划于 10:30 的紫外线消毒未运行"))
        #expect(rules.tick(now: T.at(11, 5)).isEmpty)
        // The 16:30 slot is missed too: the open alarm is updated with the count.
        let again = rules.tick(now: T.at(17, 0))
        #expect(again.actions == ["update run_missed"])
        #expect(again[0].detail.count == 2)
        // The controller runs again: the condition is over.
        let verdict = rules.observe(run: DisinfectionRun(mode: .uv, start: T.at(18), end: T.at(18, 35)), at: T.at(18, 35))
        #expect(verdict.signals.actions == ["clear run_missed"])
        #expect(verdict.entry.passed)
    }

    @Test("a run started within the window serves the slot", arguments: [-30, -5, 0, 10, 30])
    func served(offsetMinutes: Int) throws {
        var rules = try uvRoom()
        let start = T.at(10, 30) + EpochMillis(offsetMinutes) * T.minute
        let verdict = rules.observe(run: DisinfectionRun(mode: .uv, start: start, end: start + 31 * T.minute),
                                    at: start + 31 * T.minute)
        #expect(verdict.entry.scheduledFor == T.at(10, 30))
        #expect(rules.tick(now: T.at(12)).isEmpty)
    }

    @Test("a run seen only as `running` status serves the slot before its run event arrives")
    func servedByStatus() throws {
        var rules = try uvRoom()
        _ = rules.observe(status: DisinfectorStatus(state: .running, irradiance: 90), at: T.at(10, 50))
        #expect(rules.tick(now: T.at(11, 0)).isEmpty)
    }

    @Test("runs outside the window do not serve the slot", arguments: [-31, 31])
    func notServed(offsetMinutes: Int) throws {
        var rules = try uvRoom()
        let start = T.at(10, 30) + EpochMillis(offsetMinutes) * T.minute
        _ = rules.observe(status: DisinfectorStatus(state: .running), at: start)
        _ = rules.observe(status: DisinfectorStatus(state: .idle), at: start + T.minute)
        #expect(rules.tick(now: T.at(12)).actions == ["raise run_missed"])
    }

    @Test("slots before the rules began are not judged; a day later they are")
    func since() throws {
        let schedule = try DisinfectionSchedule(mode: .uv, times: ["10:30"], runMinutes: 30)
        var rules = DisinfectionRules(device: key("uv-1"), schedule: schedule, since: T.at(12))
        #expect(rules.tick(now: T.at(13)).isEmpty)
        #expect(rules.tick(now: T.at(11, 0, day: 1)).actions == ["raise run_missed"])
    }

    @Test("run verdicts against the DOMAIN.md requirements", arguments: [
        // mode, minutes, peak, hold s, passed, reasons
        (DisinfectionMode.steam, 12.0, 101.0, 660.0, true, [LedgerReason]()),
        (.steam, 8.0, 101.0, 480.0, false, [.runTooShort]),
        (.steam, 15.0, 101.0, 300.0, false, [.holdTooShort]),
        (.infrared, 15.0, 110.0, 0.0, false, [.temperatureNotReached]),
        (.infrared, 15.0, 125.0, 700.0, true, []),
        (.dishwasher, 1.0, 85.0, 40.0, true, []),
        (.dishwasher, 1.0, 84.0, 60.0, false, [.temperatureNotReached]),
        (.dishwasher, 0.5, 86.0, 30.0, false, [.runTooShort]),
        (.uv, 35.0, nil, nil, true, []),
        (.uv, 20.0, nil, nil, false, [.runTooShort]),
        (.ozone, 5.0, nil, nil, true, []),
        (.steam, 12.0, nil, nil, false, [.noTemperatureReported]),
    ] as [(DisinfectionMode, Double, Double?, Double?, Bool, [LedgerReason])])
    func verdicts(mode: DisinfectionMode, minutes: Double, peak: Double?, hold: Double?, passed: Bool,
                  reasons: [LedgerReason]) {
        var rules = DisinfectionRules(device: cabinet, schedule: nil, since: T.midnight)
        let start = T.at(14)
        let end = start + EpochMillis(minutes * 60_000)
        let verdict = rules.observe(run: DisinfectionRun(mode: mode, start: start, end: end, peakCelsius: peak,
                                                         holdSeconds: hold), at: end)
        #expect(verdict.entry.passed == passed)
        #expect(verdict.entry.reasons == reasons)
        #expect(verdict.entry.mode == mode && verdict.entry.start == start && verdict.entry.end == end)
        #expect(verdict.entry.scheduledFor == nil)
        let expected = Set(reasons.map(\.alarmKind))
        #expect(Set(verdict.signals.map(\.kind)) == expected)
        #expect(verdict.signals.allSatisfy { $0.action == .raise })
    }

    @Test("steam run of 8 minutes: run_too_short, and a later good run clears it")
    func steamTooShort() {
        var rules = DisinfectionRules(device: cabinet, schedule: nil, since: T.midnight)
        let short = rules.observe(run: DisinfectionRun(mode: .steam, start: T.at(14), end: T.at(14, 8),
                                                       peakCelsius: 100.5, holdSeconds: 420), at: T.at(14, 8))
        #expect(short.signals.actions == ["raise run_too_short"])
        #expect(short.signals[0].detail.message.contains("仅运行 8 分钟，要求至少 10 分钟"))
        let again = rules.observe(run: DisinfectionRun(mode: .steam, start: T.at(15), end: T.at(15, 5),
                                                       peakCelsius: 100.5, holdSeconds: 240), at: T.at(15, 5))
        #expect(again.signals.actions == ["update run_too_short"])
        #expect(again.signals[0].detail.count == 2)
        let good = rules.observe(run: DisinfectionRun(mode: .steam, start: T.at(16), end: T.at(16, 12),
                                                      peakCelsius: 100.5, holdSeconds: 650), at: T.at(16, 12))
        #expect(good.signals.actions == ["clear run_too_short"])
        #expect(good.entry.passed)
    }

    @Test("infrared peak 110 °C: temperature_not_reached")
    func infraredCold() {
        var rules = DisinfectionRules(device: cabinet, schedule: nil, since: T.midnight)
        let verdict = rules.observe(run: DisinfectionRun(mode: .infrared, start: T.at(14), end: T.at(14, 20),
                                                         peakCelsius: 110), at: T.at(14, 20))
        #expect(verdict.signals.actions == ["raise temperature_not_reached"])
        #expect(verdict.signals[0].detail.value == 110)
        #expect(verdict.signals[0].detail.limit == 120)
        #expect(verdict.signals[0].detail.message.contains("最高温度 110 °C，未达到 120 °C 保持 10 分钟"))
    }

    @Test("a run without hold time is judged by its length, with a note")
    func holdNotReported() {
        var rules = DisinfectionRules(device: cabinet, schedule: nil, since: T.midnight)
        let verdict = rules.observe(run: DisinfectionRun(mode: .steam, start: T.at(14), end: T.at(14, 12),
                                                         peakCelsius: 101), at: T.at(14, 12))
        #expect(verdict.entry.passed)
        #expect(verdict.entry.notes == ["hold time not reported; judged by run length"])
    }

    @Test("UV irradiance 60 while running: uv_low; idle readings are not judged")
    func uvLow() {
        var rules = DisinfectionRules(device: key("uv-1"), schedule: nil, since: T.midnight)
        #expect(rules.observe(status: DisinfectorStatus(state: .idle, irradiance: 0), at: T.at(9)).isEmpty)
        let low = rules.observe(status: DisinfectorStatus(state: .running, irradiance: 60), at: T.at(10))
        #expect(low.actions == ["raise uv_low"])
        #expect(low[0].detail.message.contains("60 µW/cm²，低于 70 µW/cm²"))
        #expect(rules.observe(status: DisinfectorStatus(state: .running, irradiance: 62), at: T.at(10, 1)).isEmpty)
        #expect(rules.observe(status: DisinfectorStatus(state: .idle, irradiance: 0), at: T.at(10, 30)).isEmpty)
        #expect(rules.observe(status: DisinfectorStatus(state: .running, irradiance: 92), at: T.at(16)).actions
            == ["clear uv_low"])
    }

    @Test("lamp 1200 h: lamp_expired once; a new lamp clears it")
    func lamp() {
        var rules = DisinfectionRules(device: key("uv-1"), schedule: nil, since: T.midnight)
        #expect(rules.observe(status: DisinfectorStatus(state: .idle, lampHours: 999), at: T.at(9)).isEmpty)
        #expect(rules.observe(status: DisinfectorStatus(state: .idle, lampHours: 1_200), at: T.at(10)).actions
            == ["raise lamp_expired"])
        #expect(rules.observe(status: DisinfectorStatus(state: .idle, lampHours: 1_250), at: T.at(11)).isEmpty)
        #expect(rules.observe(status: DisinfectorStatus(state: .idle, lampHours: 2), at: T.at(12)).actions
            == ["clear lamp_expired"])
    }

    @Test("configurable lamp life")
    func lampLife() {
        var rules = DisinfectionRules(device: key("uv-1"), schedule: nil, since: T.midnight)
        let config = DisinfectionConfig(lampLifeHours: 8_000)
        #expect(rules.observe(status: DisinfectorStatus(state: .idle, lampHours: 1_200), at: T.at(10), config: config).isEmpty)
    }

    @Test("fault code raises, a new code updates, leaving fault clears")
    func fault() {
        var rules = DisinfectionRules(device: cabinet, schedule: nil, since: T.midnight)
        let raised = rules.observe(status: DisinfectorStatus(state: .fault, faultCode: "E3"), at: T.at(10))
        #expect(raised.actions == ["raise controller_fault"])
        #expect(raised[0].detail.code == "E3")
        #expect(rules.observe(status: DisinfectorStatus(state: .fault, faultCode: "E3"), at: T.at(10, 1)).isEmpty)
        let changed = rules.observe(status: DisinfectorStatus(state: .fault, faultCode: "E4"), at: T.at(10, 2))
        #expect(changed.actions == ["update controller_fault"])
        #expect(changed[0].detail.code == "E4")
        let cleared = rules.observe(status: DisinfectorStatus(state: .idle), at: T.at(11))
        #expect(cleared.actions == ["clear controller_fault"])
        #expect(cleared[0].detail.code == "E4")
    }
}
