// Kitchen ledgers (docs/ledgers.md): appends per second with the chain and the signed day head,
// one entry per transaction (as an API call or a device check makes them) and 100 per transaction
// (a batch), then the time to verify every chain offline. On a temporary SQLite store. Run in release:
//   swift run -c release bench-ledger [sites, default 10] [entries per site, default 2000]
import Foundation
import KitchenModel
import Ledgers
import Storage
import StorageModel
import Traceability

let arguments = CommandLine.arguments.dropFirst().compactMap(Int.init)
let siteCount = arguments.first ?? 10
let perSite = arguments.dropFirst().first ?? 2_000

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-ledger-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let store = try Store(path: directory.appendingPathComponent("bk.sqlite").path)
let keyring = TicketKeyring.generate()
let start: EpochMillis = 1_795_276_800_000
// 30 entries a day per site: a kitchen of 20 workers' morning checks plus its other records.
let clock = ManualTime(start)
let book = LedgerBook(store: store, keyring: keyring, clock: { clock.value })
let sites = (0..<siteCount).map { SiteID(String(format: "canteen-%03d", $0))! }
let body = try LedgerBody.encode(["worker": "w-017", "temperature_c": "36.6", "hands": "ok", "uniform": "ok"])

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let clockTimer = ContinuousClock()
let half = perSite / 2
var began = clockTimer.now
for index in 0..<half {
    clock.value = start + EpochMillis(index / 30) * 86_400_000 + EpochMillis(index % 30) * 60_000
    for site in sites {
        try book.append(LedgerDraft(site: site, kind: "morning-check", at: clock.value, recordedAt: 0, source: "bench", body: body))
    }
}
let single = seconds(clockTimer.now - began)
print("append, 1 entry per transaction:    \(String(format: "%8.0f", Double(half * siteCount) / single)) entries/s  (\(half * siteCount) entries)")

began = clockTimer.now
var index = half
while index < perSite {
    let count = min(100, perSite - index)
    for site in sites {
        let drafts = (0..<count).map { offset in
            LedgerDraft(site: site, kind: "morning-check",
                        at: start + EpochMillis((index + offset) / 30) * 86_400_000, recordedAt: 0, source: "bench", body: body)
        }
        clock.value = start + EpochMillis((index + count - 1) / 30) * 86_400_000
        try book.append(drafts)
    }
    index += count
}
let batched = seconds(clockTimer.now - began)
print("append, 100 entries per transaction: \(String(format: "%8.0f", Double((perSite - half) * siteCount) / batched)) entries/s")

began = clockTimer.now
var total = 0
for site in sites {
    let result = try LedgerVerifier.verify(site: site, store: store, keyring: keyring)
    precondition(result.intact, "\(result.problems)")
    total += result.entries
}
let verify = seconds(clockTimer.now - began)
let perEntry = verify / Double(total)
// A year of a 100-site region at 30 entries a site a day.
let year = 100 * 365 * 30
print("verify (read + hash + signatures):   \(String(format: "%8.0f", Double(total) / verify)) entries/s  (\(total) entries in \(String(format: "%.2f", verify)) s)")
print("projected: a year of a 100-site region (\(year) entries) verifies in \(String(format: "%.0f", perEntry * Double(year))) s")

/// The book's clock, set by the loop above (single-threaded).
final class ManualTime: @unchecked Sendable {
    var value: EpochMillis
    init(_ value: EpochMillis) { self.value = value }
}
