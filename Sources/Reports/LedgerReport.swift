import Foundation
import KitchenModel
import KitchenRules
import StorageModel

/// The disinfection ledger (消毒记录) of one site as CSV: every run, scheduled or not, with its verdict.
public enum LedgerReport {
    public static func csv(site: SiteID, since: EpochMillis, until: EpochMillis, store: some ReportSource,
                           calendar: ReportCalendar = .china) throws -> String {
        let decoder = JSONDecoder()
        let rows = try store.ledger(site: site, since: since, until: until).map { row -> [String] in
            let entry = try? decoder.decode(LedgerEntry.self, from: Data(row.entryJSON.utf8))
            return [row.key.site.rawValue, row.key.device.rawValue, calendar.timestamp(row.start), calendar.timestamp(row.end),
                    String((row.end - row.start) / 1_000), row.mode, row.scheduledFor == nil ? "no" : "yes",
                    row.scheduledFor.map(calendar.timestamp) ?? "", CSV.number(entry?.peakCelsius),
                    entry?.holdSeconds.map { String(Int($0)) } ?? "", row.passed ? "pass" : "fail",
                    (entry?.reasons.map(\.rawValue) ?? []).joined(separator: ";")]
        }
        return CSV.document(header: ["site", "device", "start", "end", "duration_s", "mode", "scheduled", "scheduled_for",
                                     "peak_c", "hold_s", "result", "reasons"], rows: rows)
    }
}
