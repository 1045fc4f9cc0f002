import KitchenModel
import PostgresStorage
import StorageModel
import TestSupport
import Testing

private let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
private let freezer = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("freezer-1")!)
private let hourStart: EpochMillis = 1_795_276_800_000

/// A web replica reads only the device and alarm rows changed since its last read (migration
/// "v12-row-changes", docs/scale-out.md "Web replicas"): it must still see every change.
@Suite struct RowChangesTests {
    func snapshot(_ key: DeviceKey, lost: Int64 = 0, gaps: [SeqGap] = []) -> DeviceSnapshot {
        var s = DeviceSnapshot(key: key)
        s.boot = 1
        s.lastSeq = 10
        s.lostCount = lost
        s.gaps = gaps
        return s
    }

    func write(_ store: PostgresStore, _ snapshots: [DeviceSnapshot]) throws {
        _ = try store.makeBatchCommitter(maxRejects: 10, snapshotInterval: .seconds(60))
            .commit(snapshots.map(WriteItem.device), flushSnapshots: true)
    }

    /// On a server of its own: transaction ids are the whole server's, so another test's open
    /// transaction on the shared one holds the mark back and old rows come again (correct, as
    /// "some twice, never none" allows, but not what this test measures).
    @Test func onlyRowsWrittenSinceTheMarkComeBackWithTheirGaps() throws {
        let server = try ThrowawayPostgres()
        let fixture = try PostgresFixture(server: server)
        let store = PostgresStore(database: fixture.database)
        try write(store, [snapshot(fridge), snapshot(freezer)])

        let all = try store.deviceSnapshots(changedSince: nil)
        #expect(all.complete && Set(all.rows.map(\.key)) == [fridge, freezer])
        let mark = try #require(all.mark)
        let none = try store.deviceSnapshots(changedSince: mark)
        #expect(!none.complete && none.rows.isEmpty, "nothing was written since")

        let gap = SeqGap(boot: 1, first: 4, last: 6, openedAt: hourStart)
        try write(store, [snapshot(freezer, lost: 3, gaps: [gap])])
        let changed = try store.deviceSnapshots(changedSince: try #require(none.mark))
        #expect(changed.rows.map(\.key) == [freezer])
        #expect(changed.rows.first?.lostCount == 3 && changed.rows.first?.gaps == [gap])
    }

    /// The case a "highest change seen" mark gets wrong: a transaction already running when the
    /// replica read, committing after it. Its row must come with the next read.
    @Test func aTransactionThatCommitsAfterTheReadIsSeenByTheNext() throws {
        let fixture = try PostgresFixture()
        let store = PostgresStore(database: fixture.database)
        try write(store, [snapshot(fridge), snapshot(freezer)])
        let other = try fixture.reopen()
        defer { other.close() }

        var markDuring: ChangeMark?
        try other.transaction { session in
            try session.execute("UPDATE device SET lost_count = 7 WHERE device = 'fridge-1'")
            // Meanwhile another writer commits after this one began.
            try write(store, [snapshot(freezer, lost: 1)])
            let during = try store.deviceSnapshots(changedSince: try #require(try store.deviceSnapshots(changedSince: nil).mark))
            #expect(during.rows.map(\.key) == [freezer], "the open transaction's row is not visible yet")
            markDuring = during.mark
        }
        let after = try store.deviceSnapshots(changedSince: try #require(markDuring))
        #expect(after.rows.first { $0.key == fridge }?.lostCount == 7, "the late commit is read next time")
    }

    func alarm(_ id: String, state: AlarmState) -> AlarmRow {
        AlarmRow(id: id, identity: "canteen-01/\(id)/offline/", site: SiteID("canteen-01")!, region: "420106",
                 device: id, kind: .offline, riskClass: nil, state: state, card: .none, raisedAt: hourStart,
                 updatedAt: hourStart, recordJSON: #"{"id":"\#(id)"}"#)
    }

    /// Alarms the same way, and a complete read is the open ones while a read of changes also
    /// brings those closed since, so that a replica drops them.
    @Test func alarmsChangedSinceTheMarkComeBackClosedOnesIncluded() throws {
        let server = try ThrowawayPostgres()
        let fixture = try PostgresFixture(server: server)
        let store = PostgresStore(database: fixture.database)
        func record(_ row: AlarmRow) throws {
            try store.record(alarm: row, transition: TransitionRow(alarmID: row.id, at: hourStart, kind: "raised", actor: nil,
                                                                   note: nil, bodyJSON: "{}"),
                             outboxTargets: [], now: hourStart)
        }
        try record(alarm("al_a", state: .raised))
        try record(alarm("al_b", state: .raised))
        try record(alarm("al_old", state: .closed))

        let open = try store.alarms(changedSince: nil)
        #expect(open.complete && Set(open.rows.map(\.id)) == ["al_a", "al_b"])
        try record(alarm("al_b", state: .closed))
        let changed = try store.alarms(changedSince: try #require(open.mark))
        #expect(!changed.complete && changed.rows.map(\.id) == ["al_b"] && changed.rows.first?.state == .closed)
    }
}
