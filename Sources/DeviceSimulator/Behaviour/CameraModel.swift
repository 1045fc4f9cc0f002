import KitchenModel

/// An AI camera: steady health telemetry and, now and then, an on-board detection.
struct CameraModel: Sendable {
    let behaviour: CameraBehaviour

    /// Small things (rodents, pests) get small boxes; people and bins fill more of the frame.
    private static let smallLabels: Set<String> = ["rodent", "pest"]

    func advance(_ ctx: StepContext, rng: inout SeededGenerator) -> [Emission] {
        var emissions: [Emission] = []
        let hours = max(ctx.elapsed, 0) / 3600
        for rule in behaviour.detections {
            switch rule.when {
            case .open where !ctx.siteOpen, .closed where ctx.siteOpen: continue
            default: break
            }
            for _ in 0..<rng.poisson(mean: rule.perHour * hours) {
                emissions.append(.event(detection(rule, rng: &rng)))
            }
        }
        return emissions
    }

    private func detection(_ rule: CameraBehaviour.DetectionRule, rng: inout SeededGenerator) -> [JSONField] {
        let small = Self.smallLabels.contains(rule.label)
        let width = round3(small ? rng.uniform(0.02...0.08) : rng.uniform(0.08...0.3))
        let height = round3(small ? rng.uniform(0.02...0.06) : rng.uniform(0.2...0.6))
        // Leave a little room so rounding to 3 decimals never pushes x + w past 1.
        let x = round3(rng.uniform(0...(1 - width - 0.002)))
        let y = round3(rng.uniform(0...(1 - height - 0.002)))
        return [
            .string("type", "detection"),
            .string("label", rule.label),
            .number("score", rng.uniform(rule.score), decimals: 2),
            JSONField("box", .numbers([x, y, width, height], decimals: 3)),
        ]
    }

    private func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    func telemetry(_ ctx: StepContext, rng: inout SeededGenerator) -> [JSONField] {
        let fps = min(240, max(0, behaviour.fps + 0.3 * rng.gaussian()))
        return [
            .number("fps", fps),
            .bool("storage_ok", true),
            // The IR illuminator comes on when the kitchen lights go off.
            .bool("ir_on", !ctx.siteOpen),
        ]
    }
}
