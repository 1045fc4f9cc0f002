import Foundation
import KitchenModel
import Ledgers
import StorageModel
import TestSupport
import Testing
import Traceability

/// Someone with the database (file or superuser) switches the triggers off and edits rows; the
/// verifier must name the first entry touched. Two days of four entries: #1–#4, #5–#8.
@Suite struct LedgerTamperTests {
    func tampered(_ backend: StoreBackend, _ sql: [String]) throws -> LedgerVerification {
        let f = try LedgerFixture(backend)
        try f.fill(days: 2, perDay: 4)
        #expect(try f.verify().intact)
        try f.disableGuards()
        for statement in sql { try f.raw(statement) }
        return try f.verify()
    }

    @Test(arguments: StoreBackend.allCases) func anAlteredBodyIsNamed(_ backend: StoreBackend) throws {
        let result = try tampered(backend, [#"UPDATE ledger_entry SET body = '{"temperature_c":36.5,"worker":"w-0-2"}' WHERE seq = 3"#])
        #expect(result.firstProblem?.seq == 3)
        #expect(result.firstProblem?.problem.contains("altered") == true)
    }

    @Test(arguments: StoreBackend.allCases) func anAlteredTimeIsNamed(_ backend: StoreBackend) throws {
        let result = try tampered(backend, ["UPDATE ledger_entry SET at_ms = at_ms - 3600000 WHERE seq = 6"])
        #expect(result.firstProblem?.seq == 6)
    }

    /// The forger also rewrites the entry's hash (SHA-256 is public): the next entry's link still
    /// holds the original, and the altered entry is the one named.
    @Test func anAlteredEntryWithItsHashRewrittenIsNamed() throws {
        let f = try LedgerFixture(.sqlite)
        let entries = try f.fill(days: 2, perDay: 4)
        try f.disableGuards()
        var forged = entries[2]
        forged.body = #"{"temperature_c":36.5,"worker":"w-0-2"}"#
        let hash = LedgerChain.hash(forged)
        try f.raw("UPDATE ledger_entry SET body = '\(forged.body)', hash = '\(hash)' WHERE seq = 3")
        let result = try f.verify()
        #expect(result.firstProblem?.seq == 3)
        #expect(result.firstProblem?.problem.contains("hash rewritten") == true)
    }

    @Test(arguments: StoreBackend.allCases) func aDeletedEntryIsNamed(_ backend: StoreBackend) throws {
        let result = try tampered(backend, ["DELETE FROM ledger_entry WHERE seq = 5"])
        #expect(result.firstProblem?.seq == 5)
        #expect(result.firstProblem?.problem.contains("missing") == true)
    }

    /// Deleting the last entries leaves no gap; the day's signed head still names the last one.
    @Test(arguments: StoreBackend.allCases) func deletedLastEntriesAreCaughtByTheSignedHead(_ backend: StoreBackend) throws {
        let result = try tampered(backend, ["DELETE FROM ledger_entry WHERE seq >= 7"])
        #expect(result.firstProblem?.seq == 7)
        #expect(result.firstProblem?.problem.contains("signed head") == true)
    }

    /// Swapping two entries' places (their seq): each is now hashed at a place it was not.
    @Test(arguments: StoreBackend.allCases) func reorderedEntriesAreNamed(_ backend: StoreBackend) throws {
        let result = try tampered(backend, [
            "UPDATE ledger_entry SET seq = 100 WHERE seq = 3",
            "UPDATE ledger_entry SET seq = 3 WHERE seq = 4",
            "UPDATE ledger_entry SET seq = 4 WHERE seq = 100",
        ])
        #expect(result.firstProblem?.seq == 3)
    }

    /// Rewriting the whole chain from an entry on (hashes recomputed) still needs the key for the heads.
    @Test func aRewrittenTailFailsTheHeadSignature() throws {
        let f = try LedgerFixture(.sqlite)
        var entries = try f.fill(days: 2, perDay: 4)
        try f.disableGuards()
        entries[7].body = #"{"temperature_c":36.5,"worker":"w-1-3"}"#
        entries[7].hash = LedgerChain.hash(entries[7])
        try f.raw("UPDATE ledger_entry SET body = '\(entries[7].body)', hash = '\(entries[7].hash)' WHERE seq = 8")
        try f.raw("UPDATE ledger_head SET hash = '\(entries[7].hash)' WHERE seq = 8")
        let result = try f.verify()
        #expect(result.firstProblem?.seq == 8)
        #expect(result.problems.contains { $0.problem.contains("not genuine") })
        // Without the keyring the forgery of the last entry cannot be told: the report says signatures went unchecked.
        let unchecked = LedgerVerifier.verify(site: canteen, entries: try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100),
                                              heads: try f.store.ledgerHeads(site: canteen), keyring: nil)
        #expect(unchecked.intact && unchecked.signaturesChecked == 0)
    }

    @Test(arguments: StoreBackend.allCases) func aForgedHeadSignatureIsCaught(_ backend: StoreBackend) throws {
        let result = try tampered(backend, ["UPDATE ledger_head SET signature = '\(String(repeating: "0", count: 64))' WHERE seq = 4"])
        #expect(result.firstProblem?.seq == 4)
        #expect(result.firstProblem?.problem.contains("not genuine") == true)
    }
}
