import Foundation
import KitchenModel

/// A UV lamp controller or a steam/infrared dish cabinet running on its preset schedule.
///
/// Under time compression a run's `start`/`end` and `hold_s` are reported in simulated
/// durations, anchored at the real time the run ended, so the gateway's "too short" and
/// "did not reach temperature" rules judge them as they would at speed 1.
struct DisinfectorModel: Sendable {
    private(set) var behaviour: DisinfectorBehaviour
    let timeZone: TimeZone
    private var nextStart: EpochMillis
    private var run: Run?
    private var lastRun: Run?
    private var lampHours: Double
    private let ambient: Double

    private struct Run: Sendable {
        var start: EpochMillis
        var end: EpochMillis
        var peak: Double
    }

    init(behaviour: DisinfectorBehaviour, timeZone: TimeZone, startSimulated: EpochMillis,
         rng: inout SeededGenerator) {
        self.behaviour = behaviour
        self.timeZone = timeZone
        self.lampHours = behaviour.lampHours
        self.ambient = rng.uniform(21...26)
        if let every = behaviour.everyMinutes {
            // A fleet's cabinets do not all start together.
            self.nextStart = startSimulated + EpochMillis(rng.uniform(0.05...1) * every * 60_000)
        } else {
            self.nextStart = Self.nextScheduled(after: startSimulated, minutes: behaviour.scheduleMinutes, zone: timeZone)
        }
    }

    static func nextScheduled(after time: EpochMillis, minutes: [Int], zone: TimeZone) -> EpochMillis {
        let now = SimulationClock.minuteOfDay(time, in: zone)
        let midnight = time - EpochMillis(now) * 60_000 - time % 60_000
        if let today = minutes.first(where: { $0 > now }) {
            return midnight + EpochMillis(today) * 60_000
        }
        return midnight + 86_400_000 + EpochMillis(minutes.first ?? 0) * 60_000
    }

    private func following(_ start: EpochMillis) -> EpochMillis {
        if let every = behaviour.everyMinutes { return start + EpochMillis(every * 60_000) }
        return Self.nextScheduled(after: start, minutes: behaviour.scheduleMinutes, zone: timeZone)
    }

    /// A `{"cmd":"schedule"}` from the gateway: `times` ("06:00,10:30") and/or `run_min`, `every_min`.
    mutating func apply(schedule fields: [String: String], now: EpochMillis) -> Bool {
        var changed = false
        if let times = fields["times"] {
            // `times` may arrive as "06:00,10:30" or as an array Foundation rendered as text.
            let minutes = times.split(whereSeparator: { !($0.isASCII && ($0.isNumber || $0 == ":")) })
                .compactMap { DeviceProfileReader.minuteOfDay(String($0)) }
            if !minutes.isEmpty {
                behaviour.scheduleMinutes = minutes.sorted()
                behaviour.everyMinutes = nil
                changed = true
            }
        }
        if let every = fields["every_min"].flatMap(Double.init), every >= 1 {
            behaviour.everyMinutes = every
            changed = true
        }
        if let runMinutes = fields["run_min"].flatMap(Double.init), (1...600).contains(runMinutes) {
            behaviour.runMinutes = runMinutes
            changed = true
        }
        if changed, run == nil {
            nextStart = behaviour.everyMinutes.map { now + EpochMillis($0 * 60_000) }
                ?? Self.nextScheduled(after: now, minutes: behaviour.scheduleMinutes, zone: timeZone)
        }
        return changed
    }

    mutating func advance(_ ctx: StepContext, rng: inout SeededGenerator) -> [Emission] {
        var emissions: [Emission] = []
        // A loop, because a long step (or a burst of speed) can span a whole run and the next start.
        while true {
            if let current = run {
                guard ctx.simulated >= current.end else { break }
                emissions.append(.event(finish(current, ctx)))
                lastRun = current
                run = nil
            } else if ctx.simulated >= nextStart {
                let start = nextStart
                nextStart = following(start)
                let planned = behaviour.runMinutes * 60_000
                let length = rng.chance(behaviour.shortRunRate) ? planned * rng.uniform(0.2...0.5)
                                                                : planned * rng.uniform(0.99...1.04)
                // A run never overlaps the next one and lasts at least a minute.
                let end = max(min(start + EpochMillis(length), nextStart - 60_000), start + 60_000)
                run = Run(start: start, end: end, peak: peak(forMinutes: Double(end - start) / 60_000, rng: &rng))
            } else {
                break
            }
        }
        return emissions
    }

    private func peak(forMinutes minutes: Double, rng: inout SeededGenerator) -> Double {
        guard let target = behaviour.targetCelsius else { return ambient }
        if minutes < behaviour.heatUpMinutes {
            return ambient + (target - ambient) * minutes / max(behaviour.heatUpMinutes, 0.1)
        }
        return target + rng.uniform(0.2...1.5)
    }

    private var irradiance: Double {
        max(0, behaviour.uvNew - 30 * lampHours / max(behaviour.lampRatedHours, 1))
    }

    private mutating func finish(_ run: Run, _ ctx: StepContext) -> [JSONField] {
        let seconds = Double(run.end - run.start) / 1000
        let endWall = ctx.wall - EpochMillis(Double(ctx.simulated - run.end) / ctx.clock.speed)
        let startWall = endWall - (run.end - run.start)
        var fields: [JSONField] = [
            .string("type", "run"),
            .string("mode", behaviour.mode.rawValue),
            .int("start", startWall),
            .int("end", endWall),
        ]
        switch behaviour.mode {
        case .uv:
            lampHours += seconds / 3600
            fields.append(.number("hold_s", irradiance >= 70 ? seconds : 0, decimals: 0))
        case .ozone:
            fields.append(.number("hold_s", seconds, decimals: 0))
        case .steam, .infrared, .dishwasher:
            let heatUp = behaviour.heatUpMinutes * 60
            let reached = behaviour.requiredCelsius.map { run.peak >= $0 } ?? true
            fields.append(.number("peak_c", run.peak))
            fields.append(.number("hold_s", reached ? max(0, seconds - heatUp) : 0, decimals: 0))
        }
        return fields
    }

    func telemetry(_ ctx: StepContext, rng: inout SeededGenerator) -> [JSONField] {
        var fields: [JSONField] = [.string("state", run == nil ? "idle" : "running")]
        if behaviour.mode == .uv {
            let lit = run != nil
            let hours = lampHours + (run.map { Double(max(0, ctx.simulated - $0.start)) / 3_600_000 } ?? 0)
            fields.append(.number("temp_c", ambient + 0.3 * rng.gaussian()))
            fields.append(.number("uv_uwcm2", lit ? max(0, irradiance + 1.5 * rng.gaussian()) : 0))
            fields.append(.number("lamp_h", hours))
            return fields
        }
        fields.append(.number("temp_c", chamberTemperature(ctx.simulated) + 0.4 * rng.gaussian()))
        return fields
    }

    /// Heats linearly to the run's peak, holds it, then cools exponentially back to the room.
    private func chamberTemperature(_ time: EpochMillis) -> Double {
        if let run {
            let minutes = Double(max(0, time - run.start)) / 60_000
            guard minutes < behaviour.heatUpMinutes else { return run.peak }
            return ambient + (run.peak - ambient) * minutes / max(behaviour.heatUpMinutes, 0.1)
        }
        if let last = lastRun {
            let cooling = Double(max(0, time - last.end)) / 600_000
            return ambient + (last.peak - ambient) * exp(-cooling)
        }
        return ambient
    }
}
