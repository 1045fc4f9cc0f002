import ArgumentParser
import Foundation
import Gateway
import Logging
import ServiceLifecycle
import StorageModel

/// What one `serve` process does (docs/scale-out.md). `all`: everything in one process, as always.
/// `ingest`: MQTT ingest for the shards it leases in PostgreSQL, no HTTP.
enum ServeRole: String, ExpressibleByArgument, CaseIterable {
    case all
    case ingest
    case web
    case vision
}

extension Serve {
    /// `--role ingest`: PostgreSQL and an external broker only (every instance must reach both);
    /// runs until SIGTERM/SIGINT, then stops its shards and releases their leases.
    func runIngest(_ configuration: GatewayConfiguration, logger: Logger) async throws {
        guard case .postgres = try? StoreLocation(configuration.database) else {
            throw ValidationError("--role ingest needs --database postgres://...: shards are leased in PostgreSQL")
        }
        guard configuration.brokerURL != nil else {
            throw ValidationError("--role ingest needs --broker mqtt://...: every ingest instance must reach the same broker")
        }
        let supervisor = try IngestSupervisor.open(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: supervisor)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
