// Nightly grading (docs/rules.md, "Grades"): a province's sites graded for one night, on a temporary
// SQLite store holding 90 days of alarms. Prints the seconds per night and µs per site, three runs
// (the first reads a cold page cache). Run in release:
//   swift run -c release bench-grading [sites, default 14000] [alarms per site over 90 days, default 12]
import Foundation
import KitchenModel
import KitchenRules
import Reports
import Storage
import StorageModel

let arguments = CommandLine.arguments.dropFirst().compactMap(Int.init)
let siteCount = arguments.first ?? 14_000
let alarmsPerSite = arguments.dropFirst().first ?? 12

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-grading-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let store = try Store(path: directory.appendingPathComponent("bk.sqlite").path)

let day = CivilDate(year: 2026, month: 12, day: 4)!
let (since, until) = NightlyGrades.window(endingWith: day, days: 90)
let kinds: [SiteKind] = [.canteen, .restaurant, .restaurant, .centralKitchen, .elderlyCare, .hospital, .market]
// Counties of Hubei: 14,000 sites spread over 100 county codes.
let sites = (0..<siteCount).map { i in
    GradedSite(SiteConfig(id: SiteID(String(format: "site-%05d", i))!, name: "site \(i)", kind: kinds[i % kinds.count],
                          region: RegionCode(String(format: "42%04d", 100 + i % 100))!))
}
// A province's mix over 90 days: mostly camera violations (class 3 most), some temperature
// excursions and missed morning checks, one in five overdue.
var random = SystemRandomNumberGenerator()
var writes: [AlarmWrite] = []
let seedStart = ContinuousClock.now
for (s, site) in sites.enumerated() {
    for a in 0..<alarmsPerSite {
        let at = since + EpochMillis.random(in: 0..<(until - since), using: &random)
        let pick = Int.random(in: 0..<10, using: &random)
        let (kind, riskClass): (AlarmKind, RiskClass?) = switch pick {
        case 0: (.violation, .class1)
        case 1, 2: (.violation, .class2)
        case 3, 4, 5: (.violation, .class3)
        case 6, 7: (.tooWarm, nil)
        default: (.morningCheckMissed, nil)
        }
        let card: Card = Int.random(in: 0..<10, using: &random) < 2 ? (pick == 0 ? .red : .yellow) : .none
        let id = "a-\(s)-\(a)"
        let row = AlarmRow(id: id, identity: "\(site.id)/d/\(id)", site: site.id, region: site.region, device: "d", kind: kind,
                           riskClass: riskClass, state: .closed, card: card, raisedAt: at, updatedAt: at, recordJSON: "{}")
        writes.append(.transition(row, TransitionRow(alarmID: id, at: at, kind: "raised", actor: nil, note: nil, bodyJSON: "{}"),
                                  outboxTargets: []))
    }
    if writes.count >= 5_000 {
        try store.record(writes, now: until)
        writes.removeAll(keepingCapacity: true)
    }
}
try store.record(writes, now: until)
print("seeded \(siteCount) sites, \(siteCount * alarmsPerSite) alarms over 90 days in \(seedStart.duration(to: .now))")

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

for run in 1...3 {
    let cpuBefore = clock()
    let start = ContinuousClock.now
    let outcome = try NightlyGrades.run(day: day, sites: sites, store: store, feedback: nil, now: until)
    let wall = seconds(start.duration(to: .now))
    let cpu = Double(clock() - cpuBefore) / Double(CLOCKS_PER_SEC)
    var smileys: [SmileyGrade: Int] = [:]
    for (_, grade) in outcome.grades { smileys[grade.smiley, default: 0] += 1 }
    print(String(format: "run %d: %d sites graded in %.2f s wall, %.2f s CPU (%.1f µs CPU per site); ", run, outcome.stored,
                 wall, cpu, cpu * 1e6 / Double(outcome.stored))
          + SmileyGrade.allCases.map { "\($0.rawValue) \(smileys[$0] ?? 0)" }.joined(separator: ", "))
}
