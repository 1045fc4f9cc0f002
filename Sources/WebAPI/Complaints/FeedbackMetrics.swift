import Prometheus
import Synchronization

/// What the public feedback routes count: accepted ratings, complaints and tip-offs, refusals
/// by reason, complaint steps and escalations (`/metrics`, docs/web.md). A tally beside the
/// counters lets tests read them.
public final class FeedbackMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let tally = Mutex<[String: Int]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// A rating, complaint or tip-off stored (`kind`).
    func accepted(_ kind: String) {
        count("accepted/\(kind)")
        registry.makeCounter(name: "bk_feedback_accepted_total", labels: [("kind", kind)],
                             help: "Ratings, complaints and tip-offs stored, by kind").increment()
    }

    /// Input refused before anything was stored; `reason` is one of a fixed set of codes.
    func refused(_ reason: String) {
        count("refused/\(reason)")
        registry.makeCounter(name: "bk_feedback_refused_total", labels: [("reason", reason)],
                             help: "Public ratings and complaints refused, by reason").increment()
    }

    /// A complaint step stored (received, accepted, refused, closed, escalated).
    func step(_ kind: String) {
        count("step/\(kind)")
        registry.makeCounter(name: "bk_complaint_steps_total", labels: [("step", kind)],
                             help: "Complaint steps stored, by step").increment()
    }

    /// How often `key` (`refused/duplicate`, `accepted/rating`, `step/escalated` ...) was counted.
    func count(of key: String) -> Int { tally.withLock { $0[key] ?? 0 } }

    private func count(_ key: String) {
        tally.withLock { $0[key, default: 0] += 1 }
    }
}
