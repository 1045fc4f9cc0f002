import DeviceAdapters
import KitchenModel
import Prometheus

/// Counters of the third-party path, registered beside `GatewayMetrics` in the same registry.
final class ThirdPartyMetrics: Sendable {
    private let unmapped: [DeviceSource.Family: Counter]

    init(registry: PrometheusCollectorRegistry) {
        var unmapped: [DeviceSource.Family: Counter] = [:]
        for family in DeviceSource.Family.allCases {
            unmapped[family] = registry.makeCounter(
                name: "bk_unmapped_messages_total", labels: [("family", family.rawValue)],
                help: "Third-party messages from sources no registry device is bound to, by family")
        }
        self.unmapped = unmapped
    }

    func unmapped(_ family: DeviceSource.Family) {
        unmapped[family]?.increment()
    }
}
