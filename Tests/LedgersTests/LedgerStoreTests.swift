import KitchenModel
import Ledgers
import StorageModel
import TestSupport
import Testing
import Traceability

/// The chain as both stores keep it: linked, signed per day, append-only for everyone.
@Suite struct LedgerStoreTests {
    @Test(arguments: StoreBackend.allCases) func appendsAreChainedAndEachDaysHeadIsSigned(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        let entries = try f.fill(days: 2, perDay: 3)
        #expect(entries.map(\.seq) == [1, 2, 3, 4, 5, 6])
        #expect(entries[0].prev == LedgerChain.genesis)
        for (earlier, later) in zip(entries, entries.dropFirst()) { #expect(later.prev == earlier.hash) }
        #expect(try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100) == entries)
        let heads = try f.store.ledgerHeads(site: canteen)
        #expect(heads.map(\.day) == ["2026-11-20", "2026-11-21"])
        #expect(heads.map(\.seq) == [3, 6] && heads.map(\.hash) == [entries[2].hash, entries[5].hash])
        #expect(heads.allSatisfy { LedgerSigning.check($0, keyring: f.keyring) == true })

        // Another site's chain starts at 1 of its own.
        let other = try f.book.append(f.draft(school, worker: "w-9"))
        #expect(other.seq == 1 && other.prev == LedgerChain.genesis)
        #expect(try f.store.ledgerSites() == [canteen, school])
        #expect(try f.store.ledgerEntries(site: canteen, since: dayOne + 24 * hour, until: dayOne + 48 * hour).map(\.seq) == [4, 5, 6])

        let result = try f.verify()
        #expect(result.intact && result.entries == 6 && result.signaturesChecked == 2, "\(result.problems)")
    }

    @Test(arguments: StoreBackend.allCases) func aCorrectionIsANewEntryNamingTheOldOne(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        try f.fill(days: 1, perDay: 2)
        let correction = try f.book.append(f.draft(worker: "w-0-0", corrects: 1))
        #expect(correction.seq == 3 && correction.corrects == 1)
        #expect(try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 1).first?.body.contains("w-0-0") == true,
                "the corrected entry stays as it was")
        #expect(try f.verify().intact)
    }

    @Test(arguments: StoreBackend.allCases) func impossibleEntriesAreRefusedAndNothingIsStored(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        try f.fill(days: 1, perDay: 2)
        let before = try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100)
        let headsBefore = try f.store.ledgerHeads(site: canteen)
        func refusal(_ drafts: [LedgerDraft]) -> String? {
            do { try f.book.append(drafts); return nil } catch let refusal as LedgerRefusal { return refusal.reason } catch {
                return "unexpected \(error)"
            }
        }
        // A good draft first in the batch: the batch is one transaction, so it is not kept either.
        #expect(refusal([f.draft(worker: "ok"), f.draft(worker: "x", corrects: 9)]) == "unknown-correction")
        #expect(refusal([f.draft(worker: "x", corrects: 0)]) == "unknown-correction")
        #expect(refusal([f.draft(worker: "x", corrects: 1), f.draft(school, worker: "y", corrects: 1)]) == "unknown-correction",
                "a correction names an entry of its own site")
        #expect(refusal([f.draft(worker: "x", at: f.clock.now + 10 * 60_000)]) == "future-time")
        #expect(refusal([f.draft(worker: "x", at: -5)]) == "invalid-time")
        var badKind = f.draft(worker: "x")
        badKind.kind = "Morning Check"
        #expect(refusal([badKind]) == "invalid-kind")
        var badBody = f.draft(worker: "x")
        badBody.body = "[1,2]"
        #expect(refusal([badBody]) == "invalid-body")
        #expect(try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100) == before)
        #expect(try f.store.ledgerHeads(site: canteen) == headsBefore)
        #expect(try f.store.ledgerSites() == [canteen])
    }

    /// No code path edits or deletes an entry, and the database itself refuses to, whoever asks.
    @Test(arguments: StoreBackend.allCases) func theDatabaseRefusesUpdatesAndDeletes(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        try f.fill(days: 1, perDay: 2)
        #expect(throws: (any Error).self) { try f.raw("UPDATE ledger_entry SET body = '{}' WHERE seq = 1") }
        #expect(throws: (any Error).self) { try f.raw("DELETE FROM ledger_entry WHERE seq = 2") }
        #expect(throws: (any Error).self) { try f.raw("DELETE FROM ledger_head") }
        #expect(throws: (any Error).self) { try f.raw("UPDATE ledger_head SET seq = 1") }
        if backend == .postgres {
            #expect(throws: (any Error).self) { try f.raw("TRUNCATE ledger_entry") }
        }
        #expect(try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100).count == 2)
        #expect(try f.verify().intact)
    }
}
