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

    /// `label` names the filters in the log (a shard's site topics use this class too).
    init(client: MQTTClient, logger: Logger, label: String = "third-party topics") {
        self.client = client
        self.logger = logger
        self.label = label
    }

    /// QoS 1 like the native subscription; a filter the client refuses is logged and retried
    /// on the next update.
    func update(to filters: [String]) {
        current.withLock { current in
            let wanted = Set(filters)
            for filter in current.subtracting(wanted).sorted() {
                do {
                    try client.unsubscribe(filter)
                    current.remove(filter)
                } catch {
                    logger.error("cannot unsubscribe", metadata: ["filter": "\(filter)", "error": "\(error)"])
                }
            }
            for filter in wanted.subtracting(current).sorted() {
                do {
                    try client.subscribe(filter, qos: 1)
                    current.insert(filter)
                } catch {
                    logger.error("cannot subscribe", metadata: ["filter": "\(filter)", "error": "\(error)"])
                }
            }
            logger.info("\(label)", metadata: ["filters": "\(current.sorted().joined(separator: " "))"])
        }
    }
}
