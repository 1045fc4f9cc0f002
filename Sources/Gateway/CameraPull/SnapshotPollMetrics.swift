import Prometheus
import Synchronization

/// Snapshot polling's counters (docs/camera-vision.md, "Snapshot polling").
public final class SnapshotPollMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let counters = Mutex<[String: Counter]>([:])
    let seconds: Histogram<Double>
    let inFlight: Gauge
    let cameras: Gauge

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        seconds = registry.makeValueHistogram(name: "bk_camera_poll_seconds",
                                              buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
                                              help: "Time to fetch one snapshot, answered or not")
        inFlight = registry.makeGauge(name: "bk_camera_poll_in_flight", help: "Snapshot requests under way")
        cameras = registry.makeGauge(name: "bk_camera_poll_cameras", help: "Cameras the gateway polls")
    }

    /// `outcome`: ok, or a failure code (connect_error, timeout, http_401, http_status, not_jpeg,
    /// too_large, auth_unsupported), or `skipped_busy` / `skipped_overloaded` when no request was made.
    func polled(_ outcome: String) {
        counter(outcome).increment()
    }

    private func counter(_ outcome: String) -> Counter {
        counters.withLock { counters in
            if let counter = counters[outcome] { return counter }
            let counter = registry.makeCounter(name: "bk_camera_polls_total", labels: [("outcome", outcome)],
                                               help: "Snapshot polls by outcome")
            counters[outcome] = counter
            return counter
        }
    }
}
