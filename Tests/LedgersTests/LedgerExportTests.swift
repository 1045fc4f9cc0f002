import Foundation
import KitchenModel
import Ledgers
import StorageModel
import TestSupport
import Testing
import Traceability

/// The auditor's file: altered, deleted or reordered lines are caught offline, and the first
/// broken entry named, with or without the gateway's keyring.
@Suite struct LedgerExportTests {
    /// Two days of four entries at the canteen and one at the school, as `ledger export` writes them.
    func exported() throws -> (text: String, keyring: TicketKeyring) {
        let f = try LedgerFixture(.sqlite)
        try f.fill(days: 2, perDay: 4)
        try f.book.append(f.draft(school, worker: "w-9"))
        let sections = try [canteen, school].map { site in
            LedgerExport.Section(site: site, entries: try f.store.ledgerEntries(site: site, fromSeq: 1, limit: 100),
                                 heads: try f.store.ledgerHeads(site: site))
        }
        return (LedgerExport.write(sections, keyring: f.keyring, exportedAt: f.clock.now), f.keyring)
    }

    func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }
    func join(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }
    /// The line index of the canteen's entry `seq` (line 0 is the header).
    func line(ofSeq seq: Int) -> Int { seq }

    @Test func anUntouchedExportVerifiesWithAndWithoutTheKeyring() throws {
        let (text, keyring) = try exported()
        let outcome = try LedgerExport.verify(text, keyring: keyring)
        #expect(outcome.fileProblems.isEmpty && outcome.trailerSigned)
        #expect(outcome.sites.map(\.site) == [canteen, school] && outcome.sites.allSatisfy(\.intact))
        #expect(outcome.sites[0].signaturesChecked == 2)
        let offline = try LedgerExport.verify(text, keyring: nil)
        #expect(offline.fileProblems.isEmpty && !offline.trailerSigned && offline.sites.allSatisfy(\.intact))
        let stranger = try LedgerExport.verify(text, keyring: TicketKeyring.generate())
        #expect(stranger.fileProblems.contains { $0.contains("not genuine") })
    }

    @Test func anAlteredLineIsCaughtAndItsEntryNamed() throws {
        let (text, keyring) = try exported()
        var all = lines(text)
        all[line(ofSeq: 3)] = all[line(ofSeq: 3)].replacingOccurrences(of: "36.6", with: "36.5")
        for keys in [keyring, nil] as [TicketKeyring?] {
            let outcome = try LedgerExport.verify(join(all), keyring: keys)
            #expect(!outcome.fileProblems.isEmpty)
            #expect(outcome.sites[0].firstProblem?.seq == 3)
            #expect(outcome.sites[1].intact)
        }
    }

    @Test func aDeletedLineIsCaughtAndTheMissingEntryNamed() throws {
        let (text, keyring) = try exported()
        var all = lines(text)
        all.remove(at: line(ofSeq: 6))
        let outcome = try LedgerExport.verify(join(all), keyring: keyring)
        #expect(!outcome.fileProblems.isEmpty)
        #expect(outcome.sites[0].firstProblem?.seq == 6)
        #expect(outcome.sites[0].firstProblem?.problem.contains("missing") == true)
    }

    @Test func reorderedLinesAreCaught() throws {
        let (text, keyring) = try exported()
        var all = lines(text)
        all.swapAt(line(ofSeq: 4), line(ofSeq: 5))
        let outcome = try LedgerExport.verify(join(all), keyring: keyring)
        #expect(!outcome.fileProblems.isEmpty)
        #expect(outcome.sites[0].firstProblem?.seq == 4)
        #expect(outcome.sites[0].firstProblem?.problem.contains("reordered") == true)
    }

    /// The end line is cut off, or the file edited and the end line's digest recomputed without the key.
    @Test func aTruncatedOrReDigestedFileIsCaught() throws {
        let (text, keyring) = try exported()
        var all = lines(text)
        all.removeLast()
        #expect(try LedgerExport.verify(join(all), keyring: keyring).fileProblems.contains { $0.contains("cut short") })

        all = lines(text)
        all.remove(at: all.count - 2)   // the school's head
        let body = join(Array(all.dropLast()))
        let digest = SHA256Hex.of(body)
        var end = all.last!
        end = end.replacing(#/"digest":"[0-9a-f]{64}"/#, with: "\"digest\":\"\(digest)\"")
            .replacingOccurrences(of: "\"heads\":3", with: "\"heads\":2")
        let outcome = try LedgerExport.verify(body + end + "\n", keyring: keyring)
        #expect(outcome.fileProblems.contains { $0.contains("not genuine") })
        #expect(outcome.sites[1].firstProblem?.problem.contains("no signed head") == true)
    }

    @Test func linesThatAreNotTheFormatAreRefusedWithTheirNumber() throws {
        let (text, keyring) = try exported()
        var all = lines(text)
        all[2] = "{not json"
        #expect(throws: LedgerExport.ParseError.self) { try LedgerExport.verify(join(all), keyring: keyring) }
        #expect((try? LedgerExport.verify("hello\n", keyring: nil)) == nil)
    }
}

import Crypto

enum SHA256Hex {
    static func of(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
