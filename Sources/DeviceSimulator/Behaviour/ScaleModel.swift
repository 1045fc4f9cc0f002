import KitchenModel

/// A stall's traceability scale: a weighing (and so a ticket request) for each sale while the
/// market is open, and a calibration date in its telemetry.
struct ScaleModel: Sendable {
    let behaviour: ScaleBehaviour
    let calibratedAt: EpochMillis
    /// Makes `req` unique across devices and across runs of the simulator, since a repeated
    /// `req` must get the gateway's earlier ticket back.
    let reqPrefix: String

    init(behaviour: ScaleBehaviour, startWall: EpochMillis, deviceTag: String) {
        self.behaviour = behaviour
        self.calibratedAt = startWall - EpochMillis(behaviour.calibratedDaysAgo * 86_400_000)
        self.reqPrefix = "\(behaviour.stall)-\(String(startWall / 1000, radix: 36))-\(deviceTag)"
    }

    func advance(_ ctx: StepContext, rng: inout SeededGenerator) -> [Emission] {
        guard ctx.siteOpen else { return [] }
        let sales = rng.poisson(mean: behaviour.weighsPerHour * max(ctx.elapsed, 0) / 3600)
        return (0..<sales).map { _ in
            let item = rng.pick(behaviour.items)
            // Scales resolve to 5 g at these loads.
            let raw = rng.uniform(Double(item.grams.lowerBound)...Double(item.grams.upperBound))
            let grams = min(item.grams.upperBound, max(item.grams.lowerBound, Int((raw / 5).rounded()) * 5))
            return .weigh(reqPrefix: reqPrefix, [
                .string("stall", behaviour.stall),
                .string("batch", item.batch),
                .string("plu", item.plu),
                .int("grams", grams),
                .int("unit_price_fen", item.unitPriceFen),
            ])
        }
    }

    func telemetry() -> [JSONField] {
        [.int("calibrated_at", calibratedAt)]
    }
}
