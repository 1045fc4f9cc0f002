import KitchenModel
import PostgresStorage
import StorageModel
import TestSupport
import Testing

private let hourStart: EpochMillis = 1_795_276_800_000

/// Issue 15, item 6: the alarm committer retries a batch whose COMMIT went unanswered, and such a
/// COMMIT may have been kept. Writing the same batch again stores nothing twice.
@Suite struct AlarmRetryTests {
    func row(_ id: String, state: AlarmState = .raised, at: EpochMillis = hourStart) -> AlarmRow {
        AlarmRow(id: id, identity: "canteen-01/cam-1/violation/rodent", site: SiteID("canteen-01")!, region: "420106",
                 device: "cam-1", kind: .violation, riskClass: .class1, state: state, card: .none, raisedAt: hourStart,
                 updatedAt: at, recordJSON: #"{"id":"\#(id)","state":"\#(state.rawValue)"}"#)
    }

    func transition(_ id: String, _ kind: String, at: EpochMillis = hourStart) -> TransitionRow {
        TransitionRow(alarmID: id, at: at, kind: kind, actor: nil, note: nil,
                      bodyJSON: #"{"alarm_id":"\#(id)","transition":"\#(kind)","at":\#(at)}"#)
    }

    @Test func aBatchWrittenTwiceIsStoredOnce() throws {
        let fixture = try PostgresFixture()
        let store = PostgresStore(database: fixture.database)
        let ledger = LedgerRow(key: DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("uv-1")!), start: hourStart,
                               end: hourStart + 60_000, mode: "uv", passed: true, scheduledFor: nil, entryJSON: "{}")
        let batch: [AlarmWrite] = [
            .transition(row("a1"), transition("a1", "raised"), outboxTargets: ["ops", "city"]),
            .transition(row("a1", state: .acknowledged, at: hourStart + 5),
                        transition("a1", "acknowledged", at: hourStart + 5), outboxTargets: ["ops"]),
            .ledger(ledger),
        ]
        try store.record(batch, now: hourStart)
        // The retry after a COMMIT whose answer was lost although it was kept.
        try store.record(batch, now: hourStart)
        #expect(try store.transitions(ofAlarm: "a1").map(\.kind) == ["raised", "acknowledged"])
        #expect(try store.pendingOutboxCount() == 3)
        #expect(try store.alarm(id: "a1")?.state == .acknowledged)
        #expect(try store.ledger(site: SiteID("canteen-01")!).count == 1)

        // A later step of the same alarm, with its own body, is a new row (and new outbox rows).
        try store.record([.transition(row("a1", state: .closed, at: hourStart + 9), transition("a1", "closed", at: hourStart + 9),
                                      outboxTargets: ["ops"])], now: hourStart + 9)
        #expect(try store.transitions(ofAlarm: "a1").map(\.kind) == ["raised", "acknowledged", "closed"])
        #expect(try store.pendingOutboxCount() == 4)
    }

    @Test func connectionFaultsAreTransientAndRefusalsAreNot() throws {
        #expect(PostgresStoreError(.connectionLost, "lost").isTransientStoreError)
        #expect(PostgresStoreError(.connect, "no writable server").isTransientStoreError)
        #expect(PostgresStoreError(.server, "read-only", sqlState: "25006").isTransientStoreError)
        #expect(!PostgresStoreError(.server, "unique violation", sqlState: "23505").isTransientStoreError)
        #expect(!PostgresStoreError(.authentication, "wrong password").isTransientStoreError)
        // A server that is not there (nothing listens on port 1): the real error the pool throws.
        let url = try PostgresURL("postgres://postgres@127.0.0.1:1/postgres?sslmode=disable")
        let database = try PostgresDatabase(url: url, password: ThrowawayPostgres.password, maxConnections: 1)
        defer { database.close() }
        do {
            try database.execute("SELECT 1")
            Issue.record("a stopped server answered")
        } catch {
            #expect(error.isTransientStoreError, "\(error)")
        }
    }
}
