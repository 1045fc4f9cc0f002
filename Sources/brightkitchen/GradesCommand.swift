import ArgumentParser
import Foundation
import Gateway
import KitchenModel
import KitchenRules
import Reports
import StorageModel

/// `brightkitchen grades run|lists`: the nightly grading by hand (a night missed, a rule table
/// changed) and a region's 红黑榜 (docs/rules.md, "Grades").
struct GradesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grades", abstract: "Grade every registered site for a day, or print a region's red and black lists.",
        subcommands: [Run.self, Lists.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Grade every registry site for one day (default: yesterday, China time).",
            discussion: "Idempotent: a day graded again replaces its grades. `serve` does this each night from 02:00.")

        @Option(help: "The day graded, YYYY-MM-DD (the 90-day window ends with it).") var day: String?
        @Option(help: "Registry YAML (env BK_CONFIG).") var config: String?
        @OptionGroup var store: StoreOption

        func run() throws {
            let registry = try RegistryFile.load(path: config ?? ProcessInfo.processInfo.environment["BK_CONFIG"] ?? "brightkitchen.yaml")
            let now = EpochMillis(Date().timeIntervalSince1970 * 1000)
            let graded: CivilDate
            if let day {
                guard let date = CivilDate(parsing: day) else { throw ValidationError("--day must be YYYY-MM-DD") }
                graded = date
            } else {
                graded = CivilDate(dayNumber: (now + 8 * 3_600_000) / 86_400_000 - 1)
            }
            let sites = registry.sites.values.sorted { $0.id < $1.id }.map(GradedSite.init)
            let start = ContinuousClock.now
            let opened = try store.open()
            let outcome = try NightlyGrades.run(day: graded, sites: sites, store: opened, feedback: StoredFeedbackFacts(opened), now: now)
            let elapsed = start.duration(to: .now)
            var smileys: [SmileyGrade: Int] = [:]
            var risks: [RiskGrade: Int] = [:]
            for (_, grade) in outcome.grades {
                smileys[grade.smiley, default: 0] += 1
                risks[grade.risk, default: 0] += 1
            }
            print("graded \(outcome.stored) sites for \(graded) in \(elapsed)")
            print("smiley: " + SmileyGrade.allCases.map { "\($0.chinese) \(smileys[$0] ?? 0)" }.joined(separator: ", "))
            print("risk:   " + RiskGrade.allCases.map { "\($0.rawValue) \(risks[$0] ?? 0)" }.joined(separator: ", "))
        }
    }

    struct Lists: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lists", abstract: "Print a region's red and black lists for a month from the stored grades.")

        @Option(help: "Region code: 2, 4 or 6 digits.") var region: String
        @Option(help: "The month, YYYY-MM.") var month: String
        @OptionGroup var store: StoreOption

        func run() throws {
            guard let node = RegionNode(region) else { throw ValidationError("--region must be a division code of 2, 4 or 6 digits") }
            guard let period = GradeMonth(parsing: month) else { throw ValidationError("--month must be YYYY-MM") }
            let lists = try period.lists(region: node.code, store: store.open()).lists
            for (title, entries) in [("red list (红榜)", lists.red), ("black list (黑榜)", lists.black)] {
                print("\(title): \(entries.count)")
                for e in entries {
                    print("  \(e.site)  mean \(e.meanScore)  worst risk \(e.worstRisk.rawValue)  days \(e.days)"
                          + (e.reasons.isEmpty ? "" : "  " + e.reasons.joined(separator: ",")))
                }
            }
        }
    }
}
