import GatewayPorts
import KitchenModel
import Logging
import MQTTClient

/// Where complaint steps are pushed: beside the alarms, on the site's feed and its regulator's
/// (`bk/v1/<site>/_gateway/complaints`, `bk/v1/_regulator/<p>/<c>/<county>/complaints`).
public enum ComplaintTopics {
    public static func site(_ site: SiteID) -> String { Topic.siteFeed(site, .complaints).description }

    public static func regulator(_ region: RegionCode) -> String { Topic.regulatorFeed(region, .complaints).description }
}

/// The gateway's complaint feed: its MQTT client and its webhooks, as the alarm engine's.
public struct ComplaintPublisher: ComplaintFeed {
    let client: MQTTClient
    public let webhookTargets: [String]
    let logger: Logger

    public init(client: MQTTClient, webhookTargets: [String], logger: Logger) {
        self.client = client
        self.webhookTargets = webhookTargets
        self.logger = logger
    }

    public func publish(topic: String, payload: [UInt8]) {
        do {
            _ = try client.publish(topic: topic, payload: payload, qos: 1, retain: false)
        } catch {
            logger.error("cannot publish complaint step", metadata: ["topic": "\(topic)", "error": "\(error)"])
        }
    }
}
