import Foundation
import Gateway
import KitchenModel
import Testing

/// Site lists are tallied in chunks of sites under the state lock and sorted outside it: each
/// summary must still carry its own site's counts, across chunk boundaries and with a scope.
@Suite struct StateViewsTests {
    static let t0: EpochMillis = 1_795_276_800_000

    @Test func summariesKeepTheirOwnCountsAcrossChunks() throws {
        // 700 sites (three chunks); site i has i % 4 thermometers, of which the first is online.
        var sites: [SiteConfig] = []
        var devices: [DeviceConfig] = []
        for i in 0..<700 {
            let site = SiteID("site-\(i)")!
            sites.append(SiteConfig(id: site, name: "Site \(i)", kind: .canteen, region: RegionCode(i % 2 == 0 ? "420106" : "420202")!))
            for d in 0..<(i % 4) {
                devices.append(DeviceConfig(key: DeviceKey(site: site, device: DeviceID("t-\(d)")!), kind: .thermo,
                                            zone: .cold, intervalSeconds: 60))
            }
        }
        let model = StateModel(registry: try Registry(sites: sites, devices: devices), restoring: [], startedAt: Self.t0)
        for i in 0..<700 where i % 4 > 0 {
            let key = DeviceKey(site: SiteID("site-\(i)")!, device: DeviceID("t-0")!)
            _ = model.apply(DeviceMessage(key: key, receivedAt: Self.t0 + EpochMillis(i), payload: .birth(Birth(
                kind: .thermo, model: "T", firmware: "1", boot: 1, intervalSeconds: 60))))
        }

        let all = model.siteSummaries(visibleTo: Principal(role: .admin), now: Self.t0 + 1_000)
        #expect(all.map(\.id) == (0..<700).map { "site-\($0)" }.sorted())
        for summary in all {
            let i = Int(summary.id.dropFirst("site-".count))!
            #expect(summary.devices.total == i % 4, "\(summary.id)")
            #expect(summary.devices.online == (i % 4 > 0 ? 1 : 0), "\(summary.id)")
            #expect(summary.devices.offline == max(0, i % 4 - 1), "\(summary.id)")
            #expect(summary.lastSeenMs == (i % 4 > 0 ? Self.t0 + EpochMillis(i) : nil), "\(summary.id)")
        }

        let wuhan = model.siteSummaries(visibleTo: Principal(role: .regulator, scope: "4201"), now: Self.t0 + 1_000)
        #expect(wuhan.count == 350)
        #expect(wuhan.allSatisfy { $0.region == "420106" })
        #expect(wuhan.map(\.id) == wuhan.map(\.id).sorted())
    }
}
