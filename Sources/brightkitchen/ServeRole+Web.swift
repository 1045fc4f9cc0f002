import ArgumentParser
import Foundation
import Gateway
import Logging
import ServiceLifecycle
import StorageModel
import WebAPI

extension Serve {
    /// `--role web` (docs/scale-out.md, "Web replicas"): the HTTP API, dashboard, consumer lookup
    /// and open-kitchen pages from PostgreSQL; no MQTT subscription, no shard, no broker of its own.
    /// Any number run side by side behind a proxy (docs/deploy/nginx.conf).
    func runWeb(_ configuration: GatewayConfiguration, logger: Logger) async throws {
        guard case .postgres = try? StoreLocation(configuration.database) else {
            throw ValidationError("--role web needs --database postgres://...: replicas read what ingest instances write there")
        }
        let replica: WebReplica
        do {
            replica = try WebReplica(configuration: configuration, logger: logger)
        } catch let error as WebReplica.StartError {
            throw ValidationError(error.description)
        }
        let refresher = replica.refresher
        var dependencies = APIDependencies(
            sites: replica.views, store: replica.store, metrics: replica.metrics, clock: replica.clock,
            alarms: replica.alarms, traceability: replica.traceability, ledgers: replica.ledgers,
            health: { HealthReport(mqttConnected: true, writeQueue: 0, databaseFailure: refresher.failure) })
        dependencies.lookupRateLimit = try options.lookupLimit()
        dependencies.trustedProxies = try options.trustedProxies()
        dependencies.rules = configuration.rules
        if let holidays = try options.holidayCalendar() { dependencies.feedback.calendar = holidays }
        dependencies.feedback.metrics = FeedbackMetrics(registry: replica.metrics.registry)
        let c = configuration
        logger.notice("web replica starting", metadata: [
            "http": "\(c.httpTLS == nil ? "http" : "https")://\(c.httpHost):\(c.httpPort)", "database": "\(c.database)",
        ])
        let app = try buildApplication(dependencies, host: c.httpHost, port: c.httpPort, tls: c.httpTLS, services: [],
                                       logger: logger)
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: refresher), .init(service: replica.changes), .init(service: app),
        ]
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }
}
