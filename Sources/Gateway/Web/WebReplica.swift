import Foundation
import GatewayPorts
import KitchenModel
import KitchenRules
import Ledgers
import Logging
import PostgresStorage
import StorageModel

/// The pieces of `serve --role web` (docs/scale-out.md, "Web replicas"): no MQTT subscription, no
/// shard, no batch writer; everything the HTTP layer shows comes from PostgreSQL, which the ingest
/// instances write. The live views are refreshed by `refresher`; batch and recall changes reach
/// `traceability`'s cache through `changes` (LISTEN/NOTIFY); alarm actions go to the shard owner.
public final class WebReplica: Sendable {
    public let configuration: GatewayConfiguration
    public let clock: any WallClock
    public let store: any GatewayStore
    public let views: ReplicaViews
    public let refresher: ReplicaRefresher
    public let alarms: ReplicaAlarms
    public let traceability: TraceabilityService
    public let batches: BatchCache
    public let ledgers: LedgerBook
    public let metrics: GatewayMetrics
    /// LISTEN for batch changes and alarm answers.
    public let changes: ReplicaChanges
    let logger: Logger

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(configuration: GatewayConfiguration, clock: any WallClock = SystemClock(),
                refreshEvery: Duration = .seconds(1), logger: Logger) throws {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        guard case .postgres = try? StoreLocation(configuration.database) else {
            throw StartError(description: "--role web needs --database postgres://...: replicas read what ingest instances write there")
        }
        guard let keysPath = configuration.resolvedTicketKeysPath else {
            throw StartError(description: "--role web needs --ticket-keys FILE (BK_TICKET_KEYS): the keyring the tickets were signed with")
        }
        let startedAt = clock.now()
        store = try StoreOpener.open(configuration.database, passwordFile: configuration.databasePasswordFile,
                                     now: startedAt, logger: logger).store
        let keyring = try TicketKeyCheck.open(path: keysPath, store: store, now: startedAt)
        let registry = try RegistryFile.load(path: configuration.registryPath)
        views = ReplicaViews(registry: registry, startedAt: startedAt)
        refresher = ReplicaRefresher(store: store, views: views, registryPath: configuration.registryPath,
                                     every: refreshEvery, logger: logger)
        try refresher.refreshNow()
        let ledgerClock = clock
        ledgers = LedgerBook(store: store, keyring: keyring, clock: { ledgerClock.now() })
        batches = BatchCache(store: store, logger: logger)
        traceability = TraceabilityService(store: store, batches: batches,
                                           issuer: TicketIssuer(keyring: keyring, publicURL: configuration.resolvedPublicURL))
        metrics = GatewayMetrics()
        guard let postgres = store as? PostgresStore else {
            throw StartError(description: "--role web needs a postgres:// --database")
        }
        let answers = AlarmAnswerWaiters()
        alarms = ReplicaAlarms(views: views, store: store, requests: AlarmActionRequests(database: postgres.database),
                               answers: answers, logger: logger)
        changes = ReplicaChanges(database: postgres.database, batches: batches, answers: answers, logger: logger)
        logger.info("replica state read", metadata: [
            "sites": "\(registry.sites.count)", "devices": "\(registry.devices.count)",
        ])
    }
}
