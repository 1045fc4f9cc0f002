import Logging
import MQTTClient

extension GatewayRuntime {
    /// Once connected at start, times small messages through the broker and warns when it holds
    /// them back (`set_tcp_nodelay false`, the default of a deployment's own mosquitto): every
    /// alarm after the first of a burst would then wait ~40 ms. docs/operations.md lists the
    /// broker settings the gateway relies on.
    static func checkBrokerDelay(client: MQTTClient, probe: BrokerDelayProbe, embedded: Bool, logger: Logger) {
        Task.detached {
            guard await client.waitUntilConnected(timeout: .seconds(60)) else { return }
            do {
                guard let median = try await probe.measure(on: client) else {
                    logger.info("broker delay probe got no answer (an ACL refusing its topic?)",
                                metadata: ["topic": "\(probe.topic)"])
                    return
                }
                let milliseconds = Int((Double(median.components.seconds) * 1000
                    + Double(median.components.attoseconds) / 1e15).rounded())
                if BrokerDelayProbe.delaysSmallMessages(median: median) {
                    logger.warning("the MQTT broker delays small messages: alarms after the first of a burst wait ~40 ms; set `set_tcp_nodelay true` in mosquitto.conf (docs/operations.md)",
                                   metadata: ["median_ms": "\(milliseconds)", "embedded": "\(embedded)"])
                } else {
                    logger.info("broker delay probe", metadata: ["median_ms": "\(milliseconds)"])
                }
            } catch {
                logger.info("broker delay probe failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
