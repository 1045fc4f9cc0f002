import GatewayPorts
import KitchenModel
import KitchenRules
import StorageModel
import Synchronization

/// What a web replica (`serve --role web`, docs/scale-out.md "Web replicas") shows of the live
/// sites: a `StateModel` rebuilt from the device rows the ingest instances write, and the open
/// alarms as stored, both swapped in whole by `ReplicaRefresher`. Nothing here is fed by MQTT, so
/// views are as fresh as the last refresh (its age is `refreshedAt`).
public final class ReplicaViews: SiteStateViews, OpenAlarms, Sendable {
    struct Contents: Sendable {
        var model: StateModel
        var open: [SiteID: [AlarmRecord]] = [:]
    }

    /// When the replica started: a reading received before it is shown as `stale`, like a
    /// gateway's after a restart.
    public let startedAt: EpochMillis
    private let contents: Mutex<Contents>
    private let refreshed = Mutex<ContinuousClock.Instant?>(nil)

    public init(registry: Registry, startedAt: EpochMillis) {
        self.startedAt = startedAt
        contents = Mutex(Contents(model: StateModel(registry: registry, restoring: [], startedAt: startedAt)))
    }

    /// Swaps in what was read from the database (built outside the lock).
    public func replace(registry: Registry, snapshots: [DeviceSnapshot], provisioned: [DeviceConfig],
                        openAlarms: [AlarmRecord]) {
        let model = StateModel(registry: registry, restoring: snapshots, provisioned: provisioned, startedAt: startedAt)
        var open: [SiteID: [AlarmRecord]] = [:]
        for record in openAlarms where record.state != .closed { open[record.device.site, default: []].append(record) }
        for site in open.keys { open[site]!.sort { $0.raisedAt > $1.raisedAt } }
        contents.withLock { $0 = Contents(model: model, open: open) }
        refreshed.withLock { $0 = .now }
    }

    /// A refresh that found nothing changed: the views stay, and are as fresh as now.
    func markRefreshed() { refreshed.withLock { $0 = .now } }

    /// When the last refresh landed; nil before the first.
    public var refreshedAt: ContinuousClock.Instant? { refreshed.withLock { $0 } }

    public var model: StateModel { contents.withLock { $0.model } }
    public var registry: Registry { model.registry }

    // MARK: SiteStateViews

    public func site(_ id: SiteID) -> SiteConfig? { model.site(id) }
    public func siteExists(_ id: SiteID) -> Bool { model.siteExists(id) }
    public func devices(ofSite id: SiteID) -> [DeviceConfig] { model.devices(ofSite: id) }

    public func siteSummaries(visibleTo principal: Principal, now: EpochMillis) -> [SiteSummary] {
        model.siteSummaries(visibleTo: principal, now: now)
    }

    public func siteView(_ id: SiteID, visibleTo principal: Principal, now: EpochMillis) -> SiteView? {
        model.siteView(id, visibleTo: principal, now: now)
    }

    // MARK: OpenAlarms

    public func openAlarms(site: SiteID) -> [AlarmRecord] { contents.withLock { $0.open[site] ?? [] } }

    public func status(of site: SiteID) -> SiteStatus { SiteTrafficLight.status(open: openAlarms(site: site)) }

    public func openAlarmsWithRegion() -> [OpenAlarm] {
        let (open, registry) = contents.withLock { ($0.open, $0.model) }
        let sites = registry.registry
        return open.values.joined().compactMap { record in
            sites.site(record.device.site).map { OpenAlarm(record: record, region: $0.region.description) }
        }
    }
}
