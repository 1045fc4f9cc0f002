import Gateway
import KitchenModel
import WebAPI

extension GatewayRuntime {
    /// `/healthz`: the broker connection, the write queue, and whether the store takes commits.
    func healthReport() -> HealthReport {
        let failure = writer.failure.map { failure -> (error: String, seconds: Double) in
            (failure.error, failure.since.duration(to: .now).inSeconds)
        }
        return HealthReport(mqttConnected: client.isConnected, writeQueue: writer.queued, databaseFailure: failure)
    }
}
