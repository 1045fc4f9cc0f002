import KitchenModel

/// The live state model as readers outside the ingest path see it: the registry's sites and
/// devices and per-site views computed for a principal. `StateModel` conforms; each call copies
/// what it needs under the state lock and computes outside it.
public protocol SiteStateViews: Sendable {
    /// One site's configuration, nil if it is not (or no longer) registered.
    func site(_ id: SiteID) -> SiteConfig?
    /// Whether a site exists at all (to tell 404 from 403).
    func siteExists(_ id: SiteID) -> Bool
    /// A site's registered devices, sorted by key.
    func devices(ofSite id: SiteID) -> [DeviceConfig]
    /// Sites the principal may see, sorted by id.
    func siteSummaries(visibleTo principal: Principal, now: EpochMillis) -> [SiteSummary]
    /// The site's state model, or nil if it does not exist or the principal may not see it.
    func siteView(_ id: SiteID, visibleTo principal: Principal, now: EpochMillis) -> SiteView?
}

/// The Prometheus text exposition of the gateway's metrics. `GatewayMetrics` conforms.
public protocol MetricsExposition: Sendable {
    func exposition() -> [UInt8]
}
