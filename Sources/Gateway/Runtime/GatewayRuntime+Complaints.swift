extension GatewayRuntime {
    /// Complaint steps go where alarm transitions go: this gateway's MQTT client and webhooks.
    public var complaintFeed: ComplaintPublisher {
        ComplaintPublisher(client: client, webhookTargets: webhooks.targets, logger: logger)
    }
}
