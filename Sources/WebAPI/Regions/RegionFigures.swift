import Foundation
import GatewayPorts
import KitchenModel
import KitchenRules
import RegionNames
import StorageModel

/// The counts a regulator reads for one region (or one child region): its sites and their
/// devices, open alarms by class, overdue alarms, cards and today's tickets.
struct RegionFigures: Encodable {
    struct AlarmCounts: Encodable {
        var total = 0
        var class1 = 0
        var class2 = 0
        var class3 = 0
        /// Equipment alarms carry no risk class.
        var unclassified = 0
    }

    struct CardCounts: Encodable {
        var yellow = 0
        var red = 0
    }

    var code: String
    /// The GB/T 2260 name (`武昌区`, `北京市 市辖区`, `武昌区 03`); the code when unknown.
    var name: String
    var level: RegionLevel
    /// Red: an open class-1 alarm or a red card; yellow: any other open alarm; green: none.
    var status: SiteStatus = .green
    var sites = 0
    /// Device presence summed over the sites' own counts.
    var devices = DeviceCounts()
    var openAlarms = AlarmCounts()
    var overdueAlarms = 0
    var cards = CardCounts()
    var ticketsToday = 0
    /// Sites with a ledger alarm whose condition holds (RegionFigures+Ledgers.swift).
    var sitesMissingLedgers = 0
    var missingLedgerSites: Set<String> = []

    enum CodingKeys: String, CodingKey {
        case code, name, level, status, sites, devices, cards
        case openAlarms = "open_alarms", overdueAlarms = "overdue_alarms", ticketsToday = "tickets_today"
        case sitesMissingLedgers = "sites_missing_ledgers"
    }

    init(_ node: RegionNode) {
        self.init(code: node.code, level: node.level)
        name = RegionNames.shared.label(node.code)
    }

    /// Figures under another name: the dashboard tallies one site's open alarms with the same rule.
    init(code: String, level: RegionLevel) {
        self.code = code
        name = code
        self.level = level
    }

    mutating func add(site: SiteSummary, tickets: Int) {
        sites += 1
        devices.total += site.devices.total
        devices.online += site.devices.online
        devices.offline += site.devices.offline
        devices.silent += site.devices.silent
        devices.stale += site.devices.stale
        ticketsToday += tickets
    }

    mutating func add(openAlarm row: AlarmRecord, overdue: Bool) {
        openAlarms.total += 1
        switch row.riskClass {
        case .class1: openAlarms.class1 += 1
        case .class2: openAlarms.class2 += 1
        case .class3: openAlarms.class3 += 1
        case nil: openAlarms.unclassified += 1
        }
        if overdue { overdueAlarms += 1 }
        switch row.card {
        case .yellow: cards.yellow += 1
        case .red: cards.red += 1
        case .none: break
        }
        // The worst light among the alarms counted, by the rule the engine's site view uses.
        status = max(status, SiteTrafficLight.status(riskClass: row.riskClass, card: row.card, state: row.state))
    }
}
