import Foundation
import GatewayPorts
import KitchenModel
import KitchenRules
import Reports
import StorageModel

/// `GET /api/v1/regions/{code}/summary`: a region's figures and the same for each child region
/// (the next level's codes present among the registered sites).
struct RegionSummary: Encodable {
    var region: RegionFigures
    var children: [RegionFigures]
    /// Sites that sit directly in the region, not in any child (a county's sites without a station).
    var directSites: [String]
    var generatedAt: EpochMillis

    enum CodingKeys: String, CodingKey {
        case region, children, directSites = "direct_sites", generatedAt = "generated_at"
    }

    /// Builds the summary from the state model (sites, devices), the engine (open alarms) and the
    /// store (tickets).
    static func build(_ node: RegionNode, sites: [SiteSummary], alarms: any OpenAlarms, store: any GatewayStore,
                      now: EpochMillis, dayStart: EpochMillis) throws -> RegionSummary {
        build(node, sites: sites, ticketsToday: try store.ticketCountsBySite(since: dayStart),
              openAlarms: alarms.openAlarmsWithRegion(), now: now)
    }

    /// The same from figures already read, so a page that summarises several regions reads them
    /// once: `openAlarms` may hold alarms of other regions (they are skipped).
    static func build(_ node: RegionNode, sites: [SiteSummary], ticketsToday tickets: [SiteID: Int],
                      openAlarms: [OpenAlarm], now: EpochMillis) -> RegionSummary {
        var total = RegionFigures(node)
        var children: [RegionNode: RegionFigures] = [:]
        var direct: [String] = []
        for site in sites {
            guard let region = RegionCode(site.region), node.contains(region), let id = SiteID(site.id) else { continue }
            let count = tickets[id] ?? 0
            total.add(site: site, tickets: count)
            if let child = node.child(containing: region) {
                children[child, default: RegionFigures(child)].add(site: site, tickets: count)
            } else {
                direct.append(site.id)
            }
        }
        for alarm in openAlarms where alarm.record.state != .closed {
            guard let region = RegionCode(alarm.region), node.contains(region) else { continue }
            let overdue = AlarmDeadlines.isOverdue(alarm.record, now: now)
            total.add(openAlarm: alarm.record, overdue: overdue)
            total.countMissingLedger(alarm.record)
            if let child = node.child(containing: region) {
                children[child, default: RegionFigures(child)].add(openAlarm: alarm.record, overdue: overdue)
                children[child]?.countMissingLedger(alarm.record)
            }
        }
        return RegionSummary(region: total, children: children.keys.sorted().map { children[$0]! },
                             directSites: direct.sorted(), generatedAt: now)
    }
}
