import GatewayPorts
import KitchenModel
import StorageModel

/// The device and site views (`GatewayPorts`) are built here, from the state under its lock.
extension ReadingView {
    init(_ r: StoredReading) {
        var values: [String: Double] = [:]
        var state: String?
        var fault: String?
        switch r.readings {
        case .thermo(let t):
            values["t"] = t.celsius
            values["rh"] = t.humidity
            values["bat"] = t.battery
        case .disinfector(let d):
            values["temp_c"] = d.temperature
            values["uv_uwcm2"] = d.irradiance
            values["lamp_h"] = d.lampHours
            state = d.state.rawValue
            fault = d.faultCode
        case .camera(let c):
            values = c.extras
            values["fps"] = c.fps
        case .scale(let s):
            values["calibrated_at"] = s.calibratedAt.map(Double.init)
        case .checker(let c):
            values["checks_today"] = c.checksToday.map(Double.init)
        }
        self.init(tsMs: r.deviceTime, receivedMs: r.receivedAt, values: values, state: state, fault: fault)
    }
}

/// Copy under the lock, compute outside it: the ingest thread applies every message under the
/// same lock, so a view holds it only to look devices up (in chunks for the site list) and does
/// its filtering, sorting, calendar and string work after releasing it.
extension StateModel {
    /// Sites a list view takes the lock for at a time; the ingest thread gets in between.
    static let summaryChunk = 256

    /// Sites the principal may see, sorted by id.
    public func siteSummaries(visibleTo principal: Principal, now: EpochMillis) -> [SiteSummary] {
        // The registry is a value: this copy shares its storage and costs nothing under the lock.
        let registry = read { $0.registry }
        let sites = registry.sites.values
            .filter { principal.canSee(site: $0.id, region: $0.region) }
            .sorted { $0.id < $1.id }
        var tallies: [DeviceTally] = []
        tallies.reserveCapacity(sites.count)
        var start = 0
        let probeStart = ContinuousClock.now
        while start < sites.count {
            let chunk = sites[start..<min(start + Self.summaryChunk, sites.count)]
            let keys = chunk.map { registry.devicesBySite[$0.id] ?? [] }
            let chunkStart = ContinuousClock.now
            tallies += read { c in
                keys.map { siteKeys in
                    var tally = DeviceTally()
                    for key in siteKeys { if let d = c.devices[key] { tally.add(d, now: now, startedAt: startedAt) } }
                    return tally
                }
            }
            LatencyProbe.record("sites-chunk-locked", LatencyProbe.ms(chunkStart.duration(to: .now)))
            start += Self.summaryChunk
        }
        let summaries = zip(sites, tallies).map { summary(of: $0, tally: $1, now: now) }
        LatencyProbe.record("sites-summaries", LatencyProbe.ms(probeStart.duration(to: .now)))
        return summaries
    }

    /// The site's state model, or nil if it does not exist or the principal may not see it.
    public func siteView(_ id: SiteID, visibleTo principal: Principal, now: EpochMillis) -> SiteView? {
        let found: (SiteConfig, [DeviceState])? = read { c in
            guard let site = c.registry.site(id) else { return nil }
            return (site, (c.registry.devicesBySite[id] ?? []).compactMap { c.devices[$0] })
        }
        guard let site = found?.0, let states = found?.1, principal.canSee(site: site.id, region: site.region) else {
            return nil
        }
        let devices = states.sorted { $0.key < $1.key }
        var tally = DeviceTally()
        for d in devices { tally.add(d, now: now, startedAt: startedAt) }
        return SiteView(site: summary(of: site, tally: tally, now: now),
                        deviceList: devices.map { view(of: $0, now: now) })
    }

    /// One site's configuration, without copying the whole registry (the alarm path asks per message).
    public func site(_ id: SiteID) -> SiteConfig? {
        read { $0.registry.site(id) }
    }

    /// Whether a site exists at all (to tell 404 from 403).
    public func siteExists(_ id: SiteID) -> Bool {
        read { $0.registry.site(id) != nil }
    }

    public func onlineDeviceCount() -> Int {
        read { c in c.devices.values.reduce(0) { $0 + ($1.online ? 1 : 0) } }
    }

    public func deviceState(_ key: DeviceKey) -> DeviceState? {
        read { $0.devices[key] }
    }

    private func summary(of site: SiteConfig, tally: DeviceTally, now: EpochMillis) -> SiteSummary {
        SiteSummary(id: site.id.rawValue, name: site.name, kind: site.kind.rawValue,
                    region: site.region.description, hours: site.hours.description,
                    openNow: site.hours.isOpen(at: now), devices: tally.counts, lastSeenMs: tally.lastSeen)
    }

    private func view(of d: DeviceState, now: EpochMillis) -> DeviceView {
        DeviceView(id: d.key.device.rawValue, kind: d.config.kind.rawValue, zone: d.config.zone.rawValue,
                   online: d.online, silent: d.online && d.isSilent(now: now), stale: d.isStale(startedAt: startedAt),
                   boot: d.tracker.boot, lastSeq: d.tracker.highest, lastSeenMs: d.lastSeen,
                   intervalS: d.intervalSeconds, model: d.model, firmware: d.firmware,
                   reading: d.lastReading.map(ReadingView.init), clockOffsetMs: d.clockOffsetMillis,
                   missingSeqs: d.tracker.gaps.reduce(0) { $0 + $1.count }, lostSeqs: d.lostCount,
                   provisioned: d.config.provisioned)
    }
}

/// A site's device counts: plain arithmetic on each device, cheap enough for the locked part.
struct DeviceTally {
    var counts = DeviceCounts()
    var lastSeen: EpochMillis?

    mutating func add(_ d: DeviceState, now: EpochMillis, startedAt: EpochMillis) {
        counts.total += 1
        if d.online { counts.online += 1 } else { counts.offline += 1 }
        if d.online && d.isSilent(now: now) { counts.silent += 1 }
        if d.isStale(startedAt: startedAt) { counts.stale += 1 }
        if let seen = d.lastSeen { lastSeen = max(lastSeen ?? seen, seen) }
    }
}
