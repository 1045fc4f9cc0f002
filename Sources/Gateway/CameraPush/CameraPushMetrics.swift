import Prometheus
import Synchronization

/// Counters of camera HTTP pushes (ISAPI, GA/T 1400), in the gateway's registry.
final class CameraPushMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let counters = Mutex<[String: Counter]>([:])

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    /// `outcome`: detection, heartbeat, unmapped, ignored, register, keepalive, unregister.
    func handled(_ protocolName: String, _ outcome: String) {
        counter("bk_camera_push_total", [("protocol", protocolName), ("outcome", outcome)],
                "Camera HTTP pushes handled, by protocol and outcome").increment()
    }

    /// `reason`: a `PushRefusal` raw value.
    func refused(_ protocolName: String, _ reason: String) {
        counter("bk_camera_push_refused_total", [("protocol", protocolName), ("reason", reason)],
                "Camera HTTP pushes or pictures refused, by protocol and reason").increment()
    }

    private func counter(_ name: String, _ labels: [(String, String)], _ help: String) -> Counter {
        let key = name + labels.map { "|\($0.1)" }.joined()
        return counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(name: name, labels: labels, help: help)
            counters[key] = counter
            return counter
        }
    }
}
