@testable import DeviceSimulator
import Foundation
import KitchenModel
import Testing

@Suite("Behaviour and wire format")
struct BehaviourTests {
    @Test("the generator repeats itself for the same seed and name")
    func reproducible() {
        var a = SeededGenerator(fleetSeed: 7, name: "site/fridge-1")
        var b = SeededGenerator(fleetSeed: 7, name: "site/fridge-1")
        var c = SeededGenerator(fleetSeed: 7, name: "site/fridge-2")
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
    }

    @Test("payloads keep key order and fixed decimals")
    func payloadText() {
        let bytes = PayloadWriter.object([
            .int("seq", 12), .int("ts", 1_763_779_200_000), .int("boot", 1),
            .number("t", -19.04), .number("rh", 71.25), .number("bat", 96, decimals: 0),
            .string("name", "青菜 \"fresh\""), JSONField("box", .numbers([0.1, 0.25, 0.0004, 1], decimals: 3)),
        ])
        #expect(String(decoding: bytes, as: UTF8.self)
            == #"{"seq":12,"ts":1763779200000,"boot":1,"t":-19.0,"rh":71.3,"bat":96,"name":"青菜 \"fresh\"","box":[0.100,0.250,0.000,1.000]}"#)
        #expect(PayloadWriter.format(-0.04, decimals: 1) == "-0.0" || PayloadWriter.format(-0.04, decimals: 1) == "0.0")
    }

    @Test("the replay buffer keeps the newest messages in seq order")
    func replayBuffer() {
        var buffer = ReplayBuffer(capacity: 4)
        for seq in Int64(1)...6 {
            buffer.append(RecordedMessage(seq: seq, boot: seq < 5 ? 1 : 2, topic: "t", payload: [UInt8(seq)]))
        }
        #expect(buffer.messages(fromSeq: 0, boot: nil).map(\.seq) == [3, 4, 5, 6])
        #expect(buffer.messages(fromSeq: 4, boot: nil).map(\.seq) == [4, 5, 6])
        #expect(buffer.messages(fromSeq: 0, boot: 2).map(\.seq) == [5, 6])
        #expect(buffer.messages(fromSeq: 0, boot: 1).map(\.seq) == [3, 4], "a named boot's own messages only")
        #expect(buffer.messages(fromSeq: 4, boot: nil, toSeq: 5).map(\.seq) == [4, 5], "to_seq bounds it")
        #expect(ReplayBuffer(capacity: 0).messages(fromSeq: 0, boot: nil).isEmpty)
    }

    private func context(at simulated: EpochMillis, elapsed: Double, warm: Bool = false, open: Bool = true) -> StepContext {
        StepContext(wall: simulated, simulated: simulated, elapsed: elapsed, siteOpen: open,
                    clock: SimulationClock(speed: 1, startWall: 0), warmFridge: warm)
    }

    private func temperatures(_ zone: Zone, warm: Bool, hours: Double) -> [Double] {
        var rng = SeededGenerator(seed: 1)
        var model = ThermoModel(behaviour: .defaults(for: zone), zone: zone, startSimulated: 0, rng: &rng)
        var readings: [Double] = []
        var time: EpochMillis = 0
        for _ in 0..<Int(hours * 60) {
            time += 60_000
            let ctx = context(at: time, elapsed: 60, warm: warm, open: false)
            model.advance(ctx, rng: &rng)
            let t = model.telemetry(ctx, rng: &rng).first { $0.key == "t" }
            if case .number(let value, _)? = t?.value { readings.append(value) }
        }
        return readings
    }

    @Test("a healthy cold room stays in its zone; a warm fridge climbs to about 9-10 °C")
    func warmFridge() {
        let healthy = temperatures(.cold, warm: false, hours: 4)
        #expect(healthy.allSatisfy { (0.0...6.5).contains($0) }, "\(healthy.min()!)...\(healthy.max()!)")
        let warm = temperatures(.cold, warm: true, hours: 3)
        let lastHour = warm.suffix(60)
        #expect(lastHour.allSatisfy { (7.5...11.5).contains($0) }, "\(lastHour.min()!)...\(lastHour.max()!)")
        // Freezers are not fridges: the fault leaves them alone.
        #expect(temperatures(.freezer, warm: true, hours: 2).allSatisfy { $0 < -8 })
    }

    @Test("a freezer defrosts now and then but stays below -12 °C most of the time")
    func freezerDefrost() {
        let readings = temperatures(.freezer, warm: false, hours: 12)
        #expect(readings.max()! > -16)
        #expect(Double(readings.filter { $0 < -12 }.count) / Double(readings.count) > 0.85)
    }

    @Test("a scheduled infrared run reports start, end, peak and hold")
    func disinfectorRun() throws {
        var rng = SeededGenerator(seed: 3)
        let behaviour = DisinfectorBehaviour(mode: .infrared, everyMinutes: 60, runMinutes: 30)
        var model = DisinfectorModel(behaviour: behaviour, timeZone: TimeZone(identifier: "Asia/Shanghai")!,
                                     startSimulated: 0, rng: &rng)
        var runs: [[JSONField]] = []
        var running = 0
        var time: EpochMillis = 0
        for _ in 0..<(3 * 60) {
            time += 60_000
            let ctx = context(at: time, elapsed: 60)
            for case .event(let fields) in model.advance(ctx, rng: &rng) { runs.append(fields) }
            if model.telemetry(ctx, rng: &rng).contains(.string("state", "running")) { running += 1 }
        }
        #expect(runs.count >= 2)
        #expect((50...110).contains(running))
        let run = try #require(runs.first)
        #expect(run.first == .string("type", "run"))
        #expect(run.contains(.string("mode", "infrared")))
        let values = Dictionary(uniqueKeysWithValues: run.map { ($0.key, $0.value) })
        guard case .int(let start)? = values["start"], case .int(let end)? = values["end"],
              case .number(let peak, _)? = values["peak_c"], case .number(let hold, _)? = values["hold_s"]
        else { Issue.record("fields missing: \(run)"); return }
        #expect((1_750_000...1_900_000).contains(end - start))
        #expect(peak >= 120)
        #expect((1_200...1_500).contains(hold))
    }
}

extension BehaviourTests {
    @Test("a schedule command replaces the preset times, however the list arrives")
    func scheduleCommand() throws {
        var rng = SeededGenerator(seed: 5)
        var model = DisinfectorModel(behaviour: DisinfectorBehaviour(mode: .uv, scheduleMinutes: [300]),
                                     timeZone: TimeZone(identifier: "Asia/Shanghai")!, startSimulated: 0, rng: &rng)
        let array = try #require(DeviceCommand(json: Array(#"{"cmd":"schedule","times":["06:00","10:30"],"run_min":35}"#.utf8)))
        guard case .schedule(let fields) = array else { Issue.record("not a schedule: \(array)"); return }
        let fromArray = model.apply(schedule: fields, now: 0)
        #expect(fromArray)
        #expect(model.behaviour.scheduleMinutes == [360, 630])
        #expect(model.behaviour.runMinutes == 35)
        let fromText = model.apply(schedule: ["times": "07:15"], now: 0)
        #expect(fromText)
        #expect(model.behaviour.scheduleMinutes == [435])
        let unknown = model.apply(schedule: ["colour": "blue"], now: 0)
        #expect(!unknown)
    }
}
