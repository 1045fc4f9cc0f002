import Foundation
import KitchenModel

/// Two times run side by side. `ts` in every message is the real wall clock, because the
/// gateway compares it with its own and refuses skewed devices. Behaviour (time of day,
/// schedules, defrost cycles, door openings) follows simulated time, which runs `speed` times
/// faster from the moment the fleet was built.
struct SimulationClock: Sendable {
    let startWall: EpochMillis
    let speed: Double

    init(speed: Double, startWall: EpochMillis = SimulationClock.wallNow()) {
        self.speed = speed
        self.startWall = startWall
    }

    static func wallNow() -> EpochMillis {
        EpochMillis((Date().timeIntervalSince1970 * 1000).rounded())
    }

    /// Simulated epoch milliseconds at a real wall time.
    func simulated(at wall: EpochMillis) -> EpochMillis {
        startWall + EpochMillis((Double(wall - startWall) * speed).rounded())
    }

    /// The real duration of a stretch of simulated seconds.
    func realDuration(simulatedSeconds: Double) -> Duration {
        .milliseconds(Int64(max(simulatedSeconds / speed * 1000, 1)))
    }

    /// Minute of the day (0..<1440) at a simulated time in a site's zone.
    static func minuteOfDay(_ time: EpochMillis, in zone: TimeZone) -> Int {
        let date = Date(timeIntervalSince1970: Double(time) / 1000)
        let local = time / 1000 + Int64(zone.secondsFromGMT(for: date))
        return Int(((local % 86_400) + 86_400) % 86_400 / 60)
    }
}
