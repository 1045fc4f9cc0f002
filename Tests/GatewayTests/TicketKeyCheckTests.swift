import Foundation
import Gateway
import KitchenModel
import Logging
import Storage
import StorageModel
import TestSupport
import Testing
import Traceability

/// `TicketKeyCheck` on a real store: the paths the process-level tests do not reach.
@Suite struct TicketKeyCheckTests {
    /// A ticket written as a gateway from before key fingerprints wrote it: no `ticket_key` row.
    func legacyStore(signedBy keyring: TicketKeyring, in dir: TemporaryDirectory) throws -> (Store, String) {
        let store = try Store(path: dir.file("bk.sqlite"))
        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        defer { writer.stop() }
        let code = keyring.mint()
        try writer.submitAndWait([.ticket(Ticket(
            id: code.ticketID.rawValue, code: code.text, traceNumber: TraceNumber(ticketID: code.ticketID).digits,
            keyID: code.keyID.description, scale: DeviceKey(site: SiteID("market-01")!, device: DeviceID("scale-1")!),
            req: "r-1", stall: "A12", batch: BatchID("b-1")!, plu: "001", item: "青菜", grams: 1000, unitPriceFen: 600,
            totalFen: 600, issuedAt: 1_764_900_000_000))])
        return (store, code.text)
    }

    @Test func aStoreFromBeforeFingerprintsIsCheckedAgainstItsCodesThenRecorded() throws {
        let dir = TemporaryDirectory("bk-keycheck-legacy")
        let keyring = TicketKeyring.generate()
        let (store, _) = try legacyStore(signedBy: keyring, in: dir)
        let path = dir.file("ticket-keys")

        try KeyringFile.save(TicketKeyring.generate(), to: path)   // same id 0, another secret
        #expect(throws: TicketKeyCheck.Refusal.self) { try TicketKeyCheck.open(path: path, store: store, now: 1) }
        #expect(try store.ticketKeys().isEmpty, "a refusal records nothing")

        try KeyringFile.save(keyring, to: path)
        _ = try TicketKeyCheck.open(path: path, store: store, now: 1)
        #expect(try store.ticketKeys()["0"]?.fingerprint == keyring.activeKey.fingerprint)
    }

    @Test func aStoreWithoutTicketsGetsAKeyOnce() throws {
        let dir = TemporaryDirectory("bk-keycheck-fresh")
        let store = try Store(path: dir.file("db/bk.sqlite"))
        let path = try #require(TicketKeyCheck.defaultKeyringPath(database: dir.file("db/bk.sqlite")))
        #expect(path == dir.file("db/ticket-keys"))
        let first = try TicketKeyCheck.open(path: path, store: store, now: 1)
        let again = try TicketKeyCheck.open(path: path, store: store, now: 2)
        #expect(first.activeKey.fingerprint == again.activeKey.fingerprint, "created once, then read")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o777 } == 0o600)
    }

    @Test func aStoreThatIsNotAFileNeedsAKeyringPath() {
        #expect(TicketKeyCheck.defaultKeyringPath(database: ":memory:") == nil)
        #expect(TicketKeyCheck.defaultKeyringPath(database: "file:bk?mode=memory") == nil)
        #expect(TicketKeyCheck.defaultKeyringPath(database: "bk.sqlite") == "./ticket-keys")
    }
}
