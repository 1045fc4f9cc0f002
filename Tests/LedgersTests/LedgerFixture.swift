import Foundation
import GRDB
import KitchenModel
import Ledgers
import PostgresStorage
import Storage
import StorageModel
import TestSupport
import Traceability

let canteen = SiteID("canteen-01")!
let school = SiteID("school-02")!
/// 2026-11-20 00:00 China time.
let dayOne: EpochMillis = 1_795_104_000_000
let hour: EpochMillis = 3_600_000

/// The time a test's ledger book believes it is.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: EpochMillis
    init(_ value: EpochMillis) { current = value }
    var now: EpochMillis {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}

/// A fresh store of one backend with a ledger book over it, and raw SQL access for tampering
/// the way someone with the database file or a superuser login could.
final class LedgerFixture: @unchecked Sendable {
    let backend: StoreBackend
    let store: any GatewayStore
    let keyring = TicketKeyring.generate()
    let clock = TestClock(dayOne + 7 * hour)
    let book: LedgerBook
    let dir = TemporaryDirectory("bk-ledgers")
    private let postgres: PostgresDatabase?

    init(_ backend: StoreBackend) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            store = try Store(path: dir.file("bk.sqlite"))
            postgres = nil
        case .postgres:
            let server = try ThrowawayPostgres.shared()
            let url = try PostgresURL(server.url(database: try server.createDatabase()))
            let opened = try PostgresStore.open(url: url, password: ThrowawayPostgres.password,
                                                now: EpochMillis(Date().timeIntervalSince1970 * 1000))
            store = opened
            postgres = opened.database
        }
        let clock = self.clock
        book = LedgerBook(store: store, keyring: keyring, clock: { clock.now })
    }

    var sqlitePath: String { dir.file("bk.sqlite") }

    /// Runs raw SQL straight on the database, as the store's own code never does.
    func raw(_ sql: String) throws {
        switch backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: sqlitePath)
            try queue.write { try $0.execute(sql: sql) }
            try queue.close()
        case .postgres:
            try postgres!.execute(sql)
        }
    }

    /// What an attacker with full access does first: switch off the append-only triggers.
    func disableGuards() throws {
        switch backend {
        case .sqlite:
            for trigger in ["ledger_entry_no_update", "ledger_entry_no_delete", "ledger_head_forward_only", "ledger_head_no_delete"] {
                try raw("DROP TRIGGER \(trigger)")
            }
        case .postgres:
            try raw("ALTER TABLE ledger_entry DISABLE TRIGGER ALL")
            try raw("ALTER TABLE ledger_head DISABLE TRIGGER ALL")
        }
    }

    /// `count` morning-check-like entries a day over `days` days for `site`, one per hour from 07:00.
    @discardableResult
    func fill(_ site: SiteID = canteen, days: Int = 2, perDay: Int = 4) throws -> [ChainEntry] {
        var entries: [ChainEntry] = []
        for day in 0..<days {
            for n in 0..<perDay {
                clock.now = dayOne + EpochMillis(day) * 24 * hour + 7 * hour + EpochMillis(n) * hour
                entries.append(try book.append(draft(site, worker: "w-\(day)-\(n)")))
            }
        }
        return entries
    }

    func draft(_ site: SiteID = canteen, worker: String, at: EpochMillis? = nil, corrects: Int64? = nil) -> LedgerDraft {
        LedgerDraft(site: site, kind: "test-check", at: at ?? clock.now, recordedAt: 0, source: "test", corrects: corrects,
                    body: #"{"temperature_c":36.6,"worker":"\#(worker)"}"#)
    }

    func verify(_ site: SiteID = canteen, keyring: TicketKeyring? = nil) throws -> LedgerVerification {
        try LedgerVerifier.verify(site: site, store: store, keyring: keyring ?? self.keyring)
    }
}
