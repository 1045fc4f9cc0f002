import Foundation
import KitchenModel

/// A 留样柜: on its first step of each simulated day (China time) it takes out the boxes that
/// have been in for more than 48 h of wall time (one `door` event), then samples every dish of
/// every meal (one `sample` event each, stamped now, like the 晨检仪's checks). Its telemetry is its
/// fridge's thermometer.
struct SamplerModel: Sendable {
    let behaviour: SamplerBehaviour
    private var fridge: ThermoModel
    private(set) var sampledDay: Int64?
    /// Boxes in the cabinet and the wall time they went in.
    private(set) var boxes: [(box: String, at: EpochMillis)] = []

    /// Boxes are disposed of a little after their 48 h (the gateway's clock may differ slightly).
    static let disposeAfter: EpochMillis = 49 * 3_600_000

    init(behaviour: SamplerBehaviour, startSimulated: EpochMillis, rng: inout SeededGenerator) {
        self.behaviour = behaviour
        self.fridge = ThermoModel(behaviour: behaviour.fridge, zone: .sample, startSimulated: startSimulated, rng: &rng)
    }

    mutating func advance(_ ctx: StepContext, rng: inout SeededGenerator) -> [Emission] {
        fridge.advance(ctx, rng: &rng)
        let day = (ctx.simulated + 8 * 3_600_000) / 86_400_000
        guard day != sampledDay else { return [] }
        sampledDay = day
        var emissions: [Emission] = []
        let old = boxes.filter { ctx.wall - $0.at >= Self.disposeAfter }.map(\.box)
        if !old.isEmpty {
            boxes.removeAll { old.contains($0.box) }
            emissions.append(.event([.string("type", "door"), .number("open_s", rng.uniform(20...90)), .strings("removed", old)]))
        }
        for meal in behaviour.meals {
            for (index, dish) in meal.dishes.enumerated() where dish.grams > 0 {
                let box = "\(meal.meal.rawValue.prefix(1).uppercased())\(day % 1_000)-\(index + 1)"
                boxes.removeAll { $0.box == box }
                boxes.append((box, ctx.wall))
                emissions.append(.event([
                    .string("type", "sample"),
                    .string("box", box),
                    .string("meal", meal.meal.rawValue),
                    .string("dish", dish.name),
                    .number("grams", max(0, dish.grams + rng.uniform(-3...3))),
                ]))
            }
        }
        return emissions
    }

    func telemetry(_ ctx: StepContext, rng: inout SeededGenerator) -> [JSONField] {
        fridge.telemetry(ctx, rng: &rng)
    }
}
