import Foundation
import KitchenModel

/// The behaviour of one device, whichever its kind.
enum DeviceModel: Sendable {
    case thermo(ThermoModel)
    case disinfector(DisinfectorModel)
    case camera(CameraModel)
    case scale(ScaleModel)
    case checker(CheckerModel)
    case sampler(SamplerModel)

    init(profile: DeviceProfile, site: SimulatedSite, clock: SimulationClock, deviceTag: String,
         rng: inout SeededGenerator) {
        switch profile.behaviour {
        case .thermo(let b):
            self = .thermo(ThermoModel(behaviour: b, zone: profile.zone, startSimulated: clock.startWall, rng: &rng))
        case .disinfector(let b):
            self = .disinfector(DisinfectorModel(behaviour: b, timeZone: site.hours.timeZone,
                                                 startSimulated: clock.startWall, rng: &rng))
        case .camera(let b):
            self = .camera(CameraModel(behaviour: b))
        case .scale(let b):
            self = .scale(ScaleModel(behaviour: b, startWall: clock.startWall, deviceTag: deviceTag))
        case .checker(let b):
            self = .checker(CheckerModel(behaviour: b))
        case .sampler(let b):
            self = .sampler(SamplerModel(behaviour: b, startSimulated: clock.startWall, rng: &rng))
        }
    }

    /// How often the device looks at the world, in simulated seconds: a thermometer only when
    /// it reports, the others often enough that runs end, detections and sales happen on time.
    static func stepSeconds(for profile: DeviceProfile) -> Double {
        let interval = Double(profile.intervalSeconds)
        switch profile.kind {
        case .thermo: return interval
        case .disinfector: return min(interval, 60)
        case .camera: return min(interval, 30)
        case .scale: return min(interval, 15)
        case .checker: return min(interval, 300)
        case .sampler: return min(interval, 300)
        }
    }

    mutating func advance(_ ctx: StepContext, rng: inout SeededGenerator) -> [Emission] {
        switch self {
        case .thermo(var model):
            model.advance(ctx, rng: &rng)
            self = .thermo(model)
            return []
        case .disinfector(var model):
            let emissions = model.advance(ctx, rng: &rng)
            self = .disinfector(model)
            return emissions
        case .camera(let model):
            return model.advance(ctx, rng: &rng)
        case .scale(let model):
            return model.advance(ctx, rng: &rng)
        case .checker(var model):
            let emissions = model.advance(ctx, rng: &rng)
            self = .checker(model)
            return emissions
        case .sampler(var model):
            let emissions = model.advance(ctx, rng: &rng)
            self = .sampler(model)
            return emissions
        }
    }

    func telemetry(_ ctx: StepContext, rng: inout SeededGenerator) -> [JSONField] {
        switch self {
        case .thermo(let model): model.telemetry(ctx, rng: &rng)
        case .disinfector(let model): model.telemetry(ctx, rng: &rng)
        case .camera(let model): model.telemetry(ctx, rng: &rng)
        case .scale(let model): model.telemetry()
        case .checker(let model): model.telemetry()
        case .sampler(let model): model.telemetry(ctx, rng: &rng)
        }
    }

    mutating func apply(schedule fields: [String: String], now: EpochMillis) -> Bool {
        guard case .disinfector(var model) = self else { return false }
        let changed = model.apply(schedule: fields, now: now)
        self = .disinfector(model)
        return changed
    }
}
