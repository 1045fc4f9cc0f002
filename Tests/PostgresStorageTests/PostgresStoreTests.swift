import KitchenModel
import Logging
import PostgresStorage
import StorageModel
import TestSupport
import Testing

private let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
private let hourStart: EpochMillis = 1_795_276_800_000

/// A migrated PostgresStore on a fresh database; `reopen()` is a second start on the same data.
private struct StoreFixture {
    let fixture: PostgresFixture
    let store: PostgresStore

    init() throws {
        fixture = try PostgresFixture()
        try PostgresPartitions.ensureReadingPartitions(fixture.database, now: hourStart)
        store = PostgresStore(database: fixture.database)
    }

    func reopen() throws -> PostgresStore {
        try PostgresStore.open(url: fixture.url, password: ThrowawayPostgres.password, now: hourStart)
    }
}

/// What PostgreSQL adds to Tests/StorageTests/AlarmStoreTests.swift (which runs on both stores).
@Suite struct PostgresAlarmStoreTests {
    func row(_ id: String, site: String = "canteen-01", region: String = "420106", state: AlarmState = .raised,
             riskClass: RiskClass? = .class1, at: EpochMillis = hourStart) -> AlarmRow {
        AlarmRow(id: id, identity: "\(site)/cam-1/violation/rodent", site: SiteID(site)!, region: region,
                 device: "cam-1", kind: .violation, riskClass: riskClass, state: state, card: .none, raisedAt: at,
                 updatedAt: at, recordJSON: #"{"id":"\#(id)"}"#)
    }

    func transition(_ id: String, _ kind: String, at: EpochMillis = hourStart) -> TransitionRow {
        TransitionRow(alarmID: id, at: at, kind: kind, actor: nil, note: nil, bodyJSON: #"{"alarm":"\#(id)","transition":"\#(kind)"}"#)
    }

    @Test func aBatchOfWritesIsAllOrNothing() throws {
        let store = try StoreFixture().store
        let ledger = LedgerRow(key: fridge, start: hourStart, end: hourStart + 60_000, mode: "uv", passed: true,
                               scheduledFor: nil, entryJSON: "{}")
        try store.record([.transition(row("a1"), transition("a1", "raised"), outboxTargets: ["ops"]),
                          .outbox(targets: ["digest"], body: [1, 2]), .ledger(ledger), .ledger(ledger)], now: hourStart)
        #expect(try store.pendingOutboxCount() == 2)
        #expect(try store.ledger(site: fridge.site) == [ledger])
        // The second write fails (a constraint of this test's): the first is not kept either.
        try store.database.execute("ALTER TABLE outbox ADD CONSTRAINT no_bad_target CHECK (target <> 'bad')")
        #expect(throws: PostgresStoreError.self) {
            try store.record([.transition(row("a2"), transition("a2", "raised"), outboxTargets: ["ops"]),
                              .outbox(targets: ["bad"], body: [])], now: hourStart)
        }
        #expect(try store.alarm(id: "a2") == nil)
        #expect(try store.transitions(ofAlarm: "a2").isEmpty)
        #expect(try store.pendingOutboxCount() == 2)
    }

    @Test func ruleStatesOfSeveralDevicesGoInOneBatchTheLastCopyWinning() throws {
        let opened = try StoreFixture()
        let other = DeviceKey(site: fridge.site, device: DeviceID("t-other")!)
        try opened.store.saveRuleStates([(fridge, #"{"n":1}"#), (other, #"{"n":2}"#)], now: hourStart)
        try opened.store.saveRuleStates([(fridge, #"{"n":3}"#), (other, #"{"n":4}"#), (fridge, #"{"n":5}"#)],
                                        now: hourStart + 1)
        let states = try opened.store.ruleStates()
        #expect(states[fridge] == #"{"n":5}"#)
        #expect(states[other] == #"{"n":4}"#)
    }

    @Test func ruleStateAndMetaSurviveReopening() throws {
        let opened = try StoreFixture()
        try opened.store.saveRuleState(fridge, json: #"{"excursionSince":1}"#, now: hourStart)
        try opened.store.saveRuleStates([(fridge, #"{"excursionSince":2}"#)], now: hourStart + 1)
        try opened.store.setMeta("boot", "1")
        try opened.store.setMeta("boot", "2")
        let reopened = try opened.reopen()
        #expect(try reopened.ruleStates()[fridge] == #"{"excursionSince":2}"#)
        #expect(try reopened.meta("boot") == "2")
        #expect(try reopened.meta("nothing") == nil)
    }
}

/// Tests/StorageTests/BatchWriterTests.swift's round trips, through the shared BatchWriter.
@Suite struct PostgresIngestStoreTests {
    @Test func theBatchWriterCommitsToPostgres() throws {
        let opened = try StoreFixture()
        let writer = BatchWriter(store: opened.store, logger: Logger(label: "test"))
        writer.start()
        defer { writer.stop() }
        try writer.submitAndWait([
            .reading(ReadingRecord(key: fridge, boot: 1, seq: 1, deviceTime: hourStart, receivedAt: hourStart,
                                   readings: .thermo(ThermoReading(celsius: 3, humidity: 60, battery: 90)))),
        ])
        #expect(try opened.fixture.database.query("SELECT count(*) FROM reading").first?.decode(Int64.self) == 1)
    }

    /// A deferred snapshot lost with the process: the last seq still comes back from the readings.
    @Test func lastSeqComesFromReadingsWhenTheSnapshotWaited() throws {
        let opened = try StoreFixture()
        let committer = opened.store.makeBatchCommitter(maxRejects: 10, snapshotInterval: .seconds(60))
        var snapshot = DeviceSnapshot(key: fridge)
        snapshot.boot = 1
        snapshot.lastSeq = 1
        func reading(_ seq: Int64) -> WriteItem {
            .reading(ReadingRecord(key: fridge, boot: 1, seq: seq, deviceTime: hourStart + seq, receivedAt: hourStart,
                                   readings: .thermo(ThermoReading(celsius: 3))))
        }
        _ = try committer.commit([reading(1), .device(snapshot)], flushSnapshots: false)
        snapshot.lastSeq = 5
        _ = try committer.commit([reading(5), .device(snapshot)], flushSnapshots: false)
        #expect(committer.hasDeferredSnapshots)
        #expect(try opened.reopen().loadDeviceSnapshots().first?.lastSeq == 5)
    }

    /// The hourly retention run is also what keeps a week of reading partitions ahead.
    @Test func retentionCreatesTheComingDaysPartitions() throws {
        let opened = try StoreFixture()
        let later = hourStart + 30 * PostgresPartitions.dayMillis
        _ = try opened.store.applyRetention(RetentionPolicy(), now: later)
        let days = try PostgresPartitions.readingPartitions(opened.fixture.database).map(\.day)
        let today = PostgresPartitions.day(ofMillis: later)
        #expect(Set((today - 1)...(today + 7)).isSubset(of: Set(days)))
    }

    @Test func provisionedDevicesAreKeptOnce() throws {
        let store = try StoreFixture().store
        try store.recordProvisioned(fridge, kind: .thermo, at: hourStart)
        try store.recordProvisioned(fridge, kind: .camera, at: hourStart + 1)
        let provisioned = try store.provisionedDevices()
        #expect(provisioned.count == 1 && provisioned.first?.key == fridge && provisioned.first?.kind == .thermo)
    }

    @Test func opensFromTheCommandLinesWordsOrSaysWhatIsWrong() throws {
        let opened = try StoreFixture()
        let url = opened.fixture.server.url(database: opened.fixture.name)
        let dir = TemporaryDirectory()
        let passwordFile = dir.file("db-password")
        try "\(ThrowawayPostgres.password)\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let store = try PostgresStore.open(url: url, passwordFile: passwordFile, environment: [:], now: hourStart)
        #expect(try store.meta("x") == nil)
        let fromEnvironment = try PostgresStore.open(
            url: url, environment: [PostgresPassword.environmentVariable: ThrowawayPostgres.password], now: hourStart)
        #expect(try fromEnvironment.meta("x") == nil)

        let missingFile = thrownDescription {
            _ = try PostgresStore.open(url: url, passwordFile: dir.file("nope"), environment: [:], now: hourStart)
        }
        #expect(missingFile == "the database password file \(dir.file("nope")) does not exist")
        let noPassword = thrownDescription { _ = try PostgresStore.open(url: url, environment: [:], now: hourStart) }
        #expect(noPassword?.contains("asks for a password and none was given") == true)
        let badURL = thrownDescription { _ = try PostgresStore.open(url: "postgres://postgres@127.0.0.1:99999/x", now: 0) }
        #expect(badURL == "bad PostgreSQL URL: bad port '99999' for host 127.0.0.1 (a number from 1 to 65535)")
    }

    @Test func aPasswordInTheURLIsWarnedAbout() throws {
        let opened = try StoreFixture()
        #expect(opened.store.permissionWarnings().isEmpty)
        #expect(!opened.store.location.contains(ThrowawayPostgres.password))
        let url = try PostgresURL(opened.fixture.server.url(database: opened.fixture.name)
            .replacingOccurrences(of: "postgres@", with: "postgres:\(ThrowawayPostgres.password)@"))
        let withPassword = PostgresStore(database: try PostgresDatabase(url: url, password: url.password))
        #expect(withPassword.permissionWarnings().first?.contains("--database-password-file") == true)
        #expect(!withPassword.location.contains(ThrowawayPostgres.password))
        #expect(try withPassword.meta("x") == nil)
    }
}

private extension AlarmRow {
    func with(raisedAt: EpochMillis) -> AlarmRow {
        var copy = self
        copy.raisedAt = raisedAt
        return copy
    }
}
