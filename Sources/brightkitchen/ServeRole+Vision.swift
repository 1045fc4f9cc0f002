import ArgumentParser
import Foundation
import Gateway
import Logging
import ServiceLifecycle
import StorageModel

/// Where camera frames are analysed (`--vision`): in this process (default), or by
/// `serve --role vision` workers (docs/scale-out.md, "Vision workers").
enum VisionPlacement: String, ExpressibleByArgument, CaseIterable {
    case local
    case external
}

/// The vision role's options, and `--vision` for ingest instances.
struct VisionOptions: ParsableArguments {
    @Option(help: """
        local: this process analyses camera frames and polls snapshots (default). external: \
        `serve --role vision` workers do, and this ingest instance applies their results (--role ingest only).
        """)
    var vision: VisionPlacement = .local

    @Option(help: """
        --role vision: how many groups the cameras are hashed into; each group is leased by one worker \
        at a time. Every vision worker must be given the same number (default 16).
        """)
    var visionGroups: Int = 16
}

extension Serve {
    /// `--role vision`: PostgreSQL (the group leases) and an external broker (the cameras' frames and
    /// the shard owners) only; runs until SIGTERM/SIGINT, then releases its camera groups.
    func runVision(_ configuration: GatewayConfiguration, logger: Logger) async throws {
        guard case .postgres = try? StoreLocation(configuration.database) else {
            throw ValidationError("--role vision needs --database postgres://...: camera groups are leased in PostgreSQL")
        }
        guard configuration.brokerURL != nil else {
            throw ValidationError("--role vision needs --broker mqtt://...: the broker the cameras and the ingest instances use")
        }
        guard (1...4096).contains(visionOptions.visionGroups) else {
            throw ValidationError("--vision-groups must be between 1 and 4096")
        }
        var options = VisionSupervisor.Options()
        options.groups = visionOptions.visionGroups
        let supervisor = try VisionSupervisor.open(configuration: configuration, options: options, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: supervisor)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// `--vision external` belongs to ingest instances: elsewhere nobody would apply the results.
    func checkVisionPlacement() throws {
        guard visionOptions.vision == .external, role != .ingest else { return }
        throw ValidationError("--vision external needs --role ingest: only ingest instances hand camera analysis to vision workers")
    }
}
