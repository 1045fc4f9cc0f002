import ServiceLifecycle

/// Webhook delivery in the service group: on graceful shutdown in-flight POSTs are cancelled
/// (their messages stay in the outbox) and the HTTP client is shut down.
struct WebhookService: Service {
    let delivery: WebhookDelivery

    func run() async throws {
        await cancelWhenGracefulShutdown { await delivery.run() }
    }
}
