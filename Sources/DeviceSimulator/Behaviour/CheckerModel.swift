import Foundation
import KitchenModel

/// A 晨检仪: checks every worker once per simulated day (China time), on its first step of the
/// day, card first then face, and reports how many checks it made in its telemetry.
struct CheckerModel: Sendable {
    let behaviour: CheckerBehaviour
    private(set) var checkedDay: Int64?
    private(set) var checksToday: Int64 = 0

    init(behaviour: CheckerBehaviour) { self.behaviour = behaviour }

    mutating func advance(_ ctx: StepContext, rng: inout SeededGenerator) -> [Emission] {
        let day = (ctx.simulated + 8 * 3_600_000) / 86_400_000
        guard day != checkedDay else { return [] }
        checkedDay = day
        checksToday = Int64(behaviour.workers.count)
        return behaviour.workers.enumerated().map { index, worker in
            return .event([
                .string("type", "check"),
                .string("worker", worker.id),
                .string("via", index.isMultiple(of: 2) ? "card" : "face"),
                .number("temp_c", worker.temperatureC + rng.uniform(-0.1...0.1)),
                .bool("hands_ok", true),
                .bool("uniform_ok", true),
                .strings("symptoms", worker.symptoms),
            ])
        }
    }

    func telemetry() -> [JSONField] {
        [.int("checks_today", checksToday)]
    }
}
