import Foundation
import KitchenModel
import KitchenRules
import RegionNames
import StorageModel

/// Alarm statistics of a region over a period as CSV: one line per child region (or per site
/// below a station) and alarm kind, counting alarms raised in the period and where they stand.
/// The last two columns name the region and the group (GB/T 2260 names; a site id stays as is).
public enum AlarmStatistics {
    struct Line {
        var raised = 0
        var open = 0
        var rectified = 0
        var closed = 0
        var overdue = 0
        var rectifyMillis: EpochMillis = 0
    }

    public static func csv(region node: RegionNode, since: EpochMillis, until: EpochMillis, now: EpochMillis,
                           store: some ReportSource) throws -> String {
        var lines: [String: [AlarmKind: Line]] = [:]
        var isRegion: Set<String> = []
        for row in try store.alarms(regionPrefix: node.code, since: since, until: until, openOnly: false) {
            guard let region = RegionCode(row.region), node.contains(region) else { continue }
            let child = node.child(containing: region)
            let group = child?.code ?? row.site.rawValue
            if child != nil { isRegion.insert(group) }
            var line = lines[group, default: [:]][row.kind, default: Line()]
            line.raised += 1
            let record = row.record
            if row.state == .closed { line.closed += 1 } else { line.open += 1 }
            if let rectifiedAt = record?.rectifiedAt {
                line.rectified += 1
                line.rectifyMillis += rectifiedAt - row.raisedAt
            }
            if let record, AlarmDeadlines.wentOverdue(record, now: now) { line.overdue += 1 }
            lines[group, default: [:]][row.kind] = line
        }
        let names = RegionNames.shared
        let regionName = names.label(node.code)
        let rows = lines.keys.sorted().flatMap { group in
            lines[group]!.keys.sorted { $0.rawValue < $1.rawValue }.map { kind -> [String] in
                let l = lines[group]![kind]!
                let meanHours = l.rectified > 0 ? String(format: "%.1f", Double(l.rectifyMillis) / Double(l.rectified) / 3_600_000) : ""
                return [node.code, group, kind.rawValue, kind.titleZH, String(l.raised), String(l.open), String(l.rectified),
                        String(l.closed), String(l.overdue), meanHours,
                        regionName, isRegion.contains(group) ? names.label(group) : group]
            }
        }
        return CSV.document(header: ["region", "group", "kind", "title", "raised", "open", "rectified", "closed",
                                     "overdue", "mean_hours_to_rectify", "region_name", "group_name"], rows: rows)
    }
}
