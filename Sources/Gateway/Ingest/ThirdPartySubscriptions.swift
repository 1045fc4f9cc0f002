import Logging
import MQTTClient
import Synchronization

/// Keeps the gateway subscribed to exactly the third-party topic filters the registry's
/// bindings need (`SourceBindings.topicFilters`), next to the native `bk/v1/#`: a reload that
/// binds a new Shelly or Frigate instance subscribes to it, one that unbinds the last
/// unsubscribes. The MQTT client re-sends remembered filters after every reconnect.
final class ThirdPartySubscriptions: Sendable {
    private let client: MQTTClient
    private let logger: Logger
    private let current = Mutex<Set<String>>([])
    private let label: String
    private let qos: Int

    /// `label` names the filters in the log (a shard's site topics use this class too). `qos` 1,
    /// like the native subscription, has the broker keep what arrives while the session is away.
    init(client: MQTTClient, logger: Logger, label: String = "third-party topics", qos: Int = 1) {
        self.client = client
        self.logger = logger
        self.label = label
        self.qos = qos
    }

    /// A filter the client refuses is logged and retried on the next update.
    func update(to filters: [String]) {
        update(to: Dictionary(filters.map { ($0, qos) }, uniquingKeysWith: { first, _ in first }))
    }

    /// Filters, each with its own QoS (a shard's site filters: `ShardMap.topicFilters`).
    func update(to filters: [String: Int]) {
        current.withLock { current in
            for filter in current.subtracting(filters.keys).sorted() {
                do {
                    try client.unsubscribe(filter)
                    current.remove(filter)
                } catch {
                    logger.error("cannot unsubscribe", metadata: ["filter": "\(filter)", "error": "\(error)"])
                }
            }
            for (filter, qos) in filters.sorted(by: { $0.key < $1.key }) where !current.contains(filter) {
                do {
                    try client.subscribe(filter, qos: qos)
                    current.insert(filter)
                } catch {
                    logger.error("cannot subscribe", metadata: ["filter": "\(filter)", "error": "\(error)"])
                }
            }
            logger.info("\(label)", metadata: ["filters": "\(current.sorted().joined(separator: " "))"])
        }
    }
}
