import Foundation
import KitchenModel

/// A fridge, freezer or hot cabinet seen through its probe. The reading is the appliance's
/// level (which lags behind its set point, so a failing fridge warms over tens of minutes) plus
/// a slow wander, door openings that fade within minutes, freezer defrost bumps and noise.
struct ThermoModel: Sendable {
    let behaviour: ThermoBehaviour
    let zone: Zone
    private var level: Double
    private var wander: Double = 0
    private var door: Double = 0
    private var battery: Double
    /// Simulated time the defrost cycle is aligned to, so freezers do not all defrost together.
    private let defrostPhase: EpochMillis

    /// Time constants in simulated seconds.
    private static let levelLag = 900.0
    private static let wanderTime = 3600.0
    private static let doorFade = 240.0

    init(behaviour: ThermoBehaviour, zone: Zone, startSimulated: EpochMillis, rng: inout SeededGenerator) {
        self.behaviour = behaviour
        self.zone = zone
        self.level = behaviour.baseline
        // Batteries of a fleet are not all new: a full-charge profile gets some spread.
        self.battery = behaviour.battery >= 100 ? rng.uniform(82...100) : behaviour.battery
        let cycle = max(behaviour.defrostEveryHours, 0.01) * 3_600_000
        self.defrostPhase = startSimulated - EpochMillis(rng.uniform(0...cycle))
    }

    private var warms: Bool { zone == .cold || zone == .sample }

    mutating func advance(_ ctx: StepContext, rng: inout SeededGenerator) {
        let dt = max(ctx.elapsed, 0)
        let target = ctx.warmFridge && warms ? behaviour.warmTarget : behaviour.baseline
        level += (target - level) * (1 - exp(-dt / Self.levelLag))
        // Ornstein–Uhlenbeck, exact for any step: its spread stays `drift` whatever the interval.
        let decay = exp(-dt / Self.wanderTime)
        wander = wander * decay + behaviour.drift * (1 - decay * decay).squareRoot() * rng.gaussian()
        door *= exp(-dt / Self.doorFade)
        if ctx.siteOpen {
            let openings = rng.poisson(mean: behaviour.doorsPerHour * dt / 3600)
            for _ in 0..<openings { door += behaviour.doorRise * rng.uniform(0.5...1.2) }
        }
        battery = max(1, battery - behaviour.batteryDrainPerDay * dt / 86_400)
    }

    /// The defrost bump at a simulated time: a half-sine over `defrostMinutes` once per cycle.
    private func defrost(at time: EpochMillis) -> Double {
        guard behaviour.defrostEveryHours > 0, behaviour.defrostRise != 0 else { return 0 }
        let cycle = Int64(behaviour.defrostEveryHours * 3_600_000)
        let into = ((time - defrostPhase) % cycle + cycle) % cycle
        let length = behaviour.defrostMinutes * 60_000
        guard Double(into) < length else { return 0 }
        return behaviour.defrostRise * sin(.pi * Double(into) / length)
    }

    func telemetry(_ ctx: StepContext, rng: inout SeededGenerator) -> [JSONField] {
        let celsius = level + wander + door + defrost(at: ctx.simulated) + behaviour.noise * rng.gaussian()
        // Warm moist air comes in with every door opening of a cold room.
        let doorHumidity = warms || zone == .freezer ? abs(door) * 2 : 0
        let humidity = min(99, max(5, behaviour.humidity + doorHumidity + behaviour.humidityNoise * rng.gaussian()))
        return [
            .number("t", celsius),
            .number("rh", humidity),
            .number("bat", battery.rounded(.down), decimals: 0),
        ]
    }
}
