import Foundation
import Gateway
import KitchenModel
import Ledgers
import Storage
import StorageModel
import TestSupport
import Testing
import Traceability

/// A kitchen that keeps ledgers but sells nothing signs only ledger day heads. Its keyring must be
/// guarded like a market's: a lost or swapped keyring would make every signed day fail verification.
@Suite struct LedgerKeyringCheckTests {
    @Test func aStoreWithSignedLedgerDaysRefusesALostOrSwappedKeyring() throws {
        let directory = TemporaryDirectory("bk-ledger-keys")
        let keyringPath = directory.file("ticket-keys")
        let store = try Store(path: directory.file("bk.sqlite"))
        let now: EpochMillis = 1_795_104_000_000
        let keyring = try TicketKeyCheck.open(path: keyringPath, store: store, now: now)
        #expect(try store.ticketKeys().isEmpty, "opening alone records nothing")

        let book = LedgerBook(store: store, keyring: keyring, clock: { now })
        try book.append(LedgerDraft(site: SiteID("canteen-01")!, kind: "note", at: now, recordedAt: now,
                                    source: "test", body: #"{"text":"开餐前检查"}"#))
        let recorded = try store.ticketKeys()
        #expect(recorded.count == 1)
        #expect(recorded[keyring.activeKey.id.description]?.fingerprint == keyring.activeKey.fingerprint)
        #expect(try !store.hasTickets())

        // The same keyring opens again.
        #expect(try TicketKeyCheck.open(path: keyringPath, store: store, now: now).activeKey.id == keyring.activeKey.id)

        // Lost: no fresh key is generated in its place.
        try FileManager.default.removeItem(atPath: keyringPath)
        let lost = #expect(throws: TicketKeyCheck.Refusal.self) { try TicketKeyCheck.open(path: keyringPath, store: store, now: now) }
        #expect(lost?.description.contains("ledger heads") == true, "\(String(describing: lost))")
        #expect(!FileManager.default.fileExists(atPath: keyringPath))

        // Swapped: another secret under the same id.
        try KeyringFile.save(TicketKeyring.generate(), to: keyringPath)
        #expect(throws: TicketKeyCheck.Refusal.self) { try TicketKeyCheck.open(path: keyringPath, store: store, now: now) }
    }
}
