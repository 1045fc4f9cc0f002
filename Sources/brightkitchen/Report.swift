import ArgumentParser
import Foundation
import Gateway
import KitchenModel
import Reports

/// `brightkitchen report haccp|ledger|alarms`: the same documents as `/api/v1/reports/...`,
/// read straight from the database (and the registry, for a site's name and thermometers).
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print audit reports: HACCP temperature log, disinfection ledger, alarm statistics.",
        subcommands: [HACCP.self, Ledger.self, Alarms.self])

    struct Period: ParsableArguments {
        @Option(help: "First day, YYYY-MM-DD (local time, Asia/Shanghai).")
        var from: String

        @Option(help: "Last day, YYYY-MM-DD, inclusive.")
        var to: String

        func range() throws -> (start: EpochMillis, end: EpochMillis) {
            guard let first = ReportCalendar.china.day(from), let last = ReportCalendar.china.day(to), first.start <= last.start
            else { throw ValidationError("--from and --to must be dates written YYYY-MM-DD, --from not after --to") }
            return (first.start, last.end)
        }
    }

    struct HACCP: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "haccp",
                                                        abstract: "HACCP daily temperature log of a site (CSV or printable HTML).")
        @Option(help: "Site id.") var site: String
        @Option(help: "Day, YYYY-MM-DD.") var date: String
        @Option(help: "csv or html.") var format = "csv"
        @Option(help: "Registry YAML with sites and devices (env BK_CONFIG).") var config: String?
        @OptionGroup var db: StoreOption

        func run() throws {
            guard format == "csv" || format == "html" else { throw ValidationError("--format must be csv or html") }
            guard let day = ReportCalendar.china.day(date) else { throw ValidationError("--date must be YYYY-MM-DD") }
            let registry = try RegistryFile.load(path: config ?? ProcessInfo.processInfo.environment["BK_CONFIG"] ?? "brightkitchen.yaml")
            guard let id = SiteID(site), let siteConfig = registry.site(id) else {
                throw ValidationError("site '\(site)' is not in the registry")
            }
            let devices = (registry.devicesBySite[id] ?? []).compactMap(registry.device)
            let now = EpochMillis(Date().timeIntervalSince1970 * 1000)
            let log = try HACCPLog.build(site: siteConfig, devices: devices, day: date, start: day.start, end: day.end,
                                         now: now, store: try db.open())
            print(TerminalText.escape(format == "csv" ? log.csv() : log.html(), keepingLineBreaks: true), terminator: "")
        }
    }

    struct Ledger: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disinfection ledger of a site (CSV).")
        @Option(help: "Site id.") var site: String
        @OptionGroup var period: Period
        @OptionGroup var db: StoreOption

        func run() throws {
            guard let id = SiteID(site) else { throw ValidationError("'\(site)' is not a site id") }
            let range = try period.range()
            print(TerminalText.escape(try LedgerReport.csv(site: id, since: range.start, until: range.end, store: try db.open()),
                                      keepingLineBreaks: true), terminator: "")
        }
    }

    struct Alarms: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Alarm statistics of a region over a period (CSV).")
        @Option(help: "Region code: 42, 4201, 420106 or 420106-03.") var region: String
        @OptionGroup var period: Period
        @OptionGroup var db: StoreOption

        func run() throws {
            guard let node = RegionNode(region) else {
                throw ValidationError("--region must be a division code of 2, 4 or 6 digits, or 6 digits-station")
            }
            let range = try period.range()
            let now = EpochMillis(Date().timeIntervalSince1970 * 1000)
            print(TerminalText.escape(try AlarmStatistics.csv(region: node, since: range.start, until: range.end, now: now,
                                                              store: try db.open()), keepingLineBreaks: true),
                  terminator: "")
        }
    }
}
