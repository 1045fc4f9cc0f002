import GatewayPorts
import KitchenModel
import Traceability

// The gateway's types behind the narrow protocols the HTTP layer is written against
// (`GatewayPorts`): the composition root hands these to `WebAPI`, tests hand the same real ones.

/// `acknowledge`, `rectify`, `close`, `openAlarms(site:)` and `status(of:)` are the engine's own.
extension AlarmEngine: AlarmActions, OpenAlarms {}

/// `metrics.exposition()` is the registry's text format.
extension GatewayMetrics: MetricsExposition {}

extension StateModel: SiteStateViews {
    public func devices(ofSite id: SiteID) -> [DeviceConfig] {
        // The registry is a value: copied under the lock, looked through outside it.
        let registry = read { $0.registry }
        return (registry.devicesBySite[id] ?? []).sorted().compactMap(registry.device)
    }
}

extension TraceabilityService: BatchRecords, BatchVersions, TicketCodes {
    public func versionedBatch(_ id: BatchID) -> VersionedBatch? {
        batches.versioned(id).map { VersionedBatch(batch: $0.batch, version: $0.version) }
    }

    public func cachedVersionedBatch(_ id: BatchID) -> VersionedBatch? {
        batches.cachedVersioned(id).map { VersionedBatch(batch: $0.batch, version: $0.version) }
    }

    public func verify(_ text: String) throws(TicketCodeError) -> TicketCode {
        try issuer.keyring.verify(text)
    }

    public var lookupPrefix: String { issuer.lookupPrefix }

    public func url(for ticket: Ticket) -> String { issuer.url(for: ticket) }

    public func receipt(for ticket: Ticket, width: String, site: SiteConfig) throws -> [UInt8] {
        try issuer.receipt(for: ticket, width: width, site: site)
    }
}
