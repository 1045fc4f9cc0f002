/// Where complaint steps go besides the store, like alarm transitions: the webhooks (their
/// outbox rows are written with the step) and the site's and its regulator's MQTT topics,
/// published after the commit. The gateway hands in its MQTT client's; tests a recorder.
public protocol ComplaintFeed: Sendable {
    /// The configured webhooks' names: each step's message is queued for every one.
    var webhookTargets: [String] { get }
    /// Publishes a stored step's message on one topic (QoS 1, not retained).
    func publish(topic: String, payload: [UInt8])
}
