import ServiceLifecycle

/// Runs an `MQTTClient` inside a `ServiceGroup`: starts it, waits for graceful shutdown
/// (or cancellation), then disconnects cleanly.
public struct MQTTService: Service {
    public let client: MQTTClient

    public init(client: MQTTClient) {
        self.client = client
    }

    public func run() async throws {
        try client.start()
        defer { client.stop() }
        // Throws CancellationError when the group cancels instead of shutting down gracefully;
        // either way the client is stopped and the service ends.
        try? await gracefulShutdown()
    }
}
