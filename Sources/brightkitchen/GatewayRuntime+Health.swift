import Gateway
import WebAPI

extension GatewayRuntime {
    /// `/healthz`: the broker connection, the write queue, and whether the store takes commits.
    func healthReport() -> HealthReport {
        let failure = writer.failure.map { failure -> (error: String, seconds: Double) in
            let elapsed = failure.since.duration(to: .now)
            return (failure.error, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        return HealthReport(mqttConnected: client.isConnected, writeQueue: writer.queued, databaseFailure: failure)
    }
}
