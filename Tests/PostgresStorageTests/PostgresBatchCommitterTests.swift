import Foundation
import GRDB
import KitchenModel
import Logging
import PostgresNIO
import PostgresStorage
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing

private let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
private let scale = DeviceKey(site: SiteID("market-01")!, device: DeviceID("scale-1")!)
private let hourStart: EpochMillis = 1_795_276_800_000

private func thermo(_ seq: Int64, t: Double, at ts: EpochMillis = hourStart, boot: Int64 = 1) -> WriteItem {
    .reading(ReadingRecord(key: fridge, boot: boot, seq: seq, deviceTime: ts, receivedAt: ts + 50,
                           readings: .thermo(ThermoReading(celsius: t, humidity: 60, battery: 90))))
}

private func ticket(id: UInt64, req: String) -> Ticket {
    Ticket(id: id, code: "C\(id)", traceNumber: String(format: "%020d", id), keyID: "0", scale: scale, req: req,
           stall: "A12", batch: BatchID("b-1")!, plu: "1002", item: "青菜", grams: 1250, unitPriceFen: 680,
           totalFen: 850, issuedAt: 2_000)
}

@Suite struct PostgresBatchCommitterTests {
    func count(_ fixture: PostgresFixture, _ table: String) throws -> Int64 {
        try fixture.database.query("SELECT count(*) FROM \(table)").first?.decode(Int64.self) ?? -1
    }

    @Test func readingsAreIdempotentAndRolledUpOnce() throws {
        let f = try PostgresFixture()
        try PostgresPartitions.ensureReadingPartitions(f.database, now: hourStart)
        let committer = PostgresBatchCommitter(database: f.database, maxRejects: 100)
        let first = try committer.commit([thermo(1, t: 2.0), thermo(2, t: 6.0, at: hourStart + 60_000)])
        #expect(first.readingsInserted == 2 && first.duplicatesIgnored == 0 && first.items == 2)
        let second = try committer.commit([thermo(2, t: 99.0, at: hourStart + 60_000),
                                           thermo(3, t: 4.0, at: hourStart + 120_000)])
        #expect(second.readingsInserted == 1 && second.duplicatesIgnored == 1)
        _ = try committer.commit([thermo(4, t: 10.0, at: hourStart + 3_600_000)])
        // Two copies in one batch (one statement inserts the batch): the first is kept.
        let twice = try committer.commit([thermo(5, t: 1.0, at: hourStart + 3_600_001),
                                          thermo(5, t: 50.0, at: hourStart + 3_600_001)])
        #expect(twice.readingsInserted == 1 && twice.duplicatesIgnored == 1)

        let rows = try f.database.query("SELECT seq, t FROM reading ORDER BY seq").map { try $0.decode((Int64, Double).self) }
        #expect(rows.map(\.0) == [1, 2, 3, 4, 5])
        #expect(rows[1].1 == 6.0)  // the redelivery did not overwrite
        #expect(rows[4].1 == 1.0)
        let hours = try f.database.query("""
            SELECT hour, min, max, sum, count FROM rollup_hourly WHERE metric = 't' ORDER BY hour
            """).map { try $0.decode((Int64, Double, Double, Double, Int64).self) }
        #expect(hours.count == 2)
        #expect(hours.first.map { $0.1 == 2.0 && $0.2 == 6.0 && $0.3 == 12.0 && $0.4 == 3 } == true)
        #expect(hours.last.map { $0.4 == 2 && $0.2 == 10.0 } == true)
    }

    /// Two transactions creating one device row at once (two writer lanes, two gateways): the one
    /// that waits on the other's insert must find the row once it is committed, not fail the batch.
    @Test func aDeviceRowCreatedMeanwhileByAnotherTransactionIsFound() throws {
        let f = try PostgresFixture()
        try PostgresPartitions.ensureReadingPartitions(f.database, now: hourStart)
        let other = try f.reopen()
        defer { other.close() }
        let database = f.database
        let outcome = Mutex<Result<CommitStats, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        try other.transaction { session in
            try session.execute("INSERT INTO device (site, device) VALUES ($1, $2)",
                                [.text(fridge.site.rawValue), .text(fridge.device.rawValue)])
            Thread.detachNewThread {
                // Made here: a committer belongs to the one thread that commits with it.
                let committer = PostgresBatchCommitter(database: database, maxRejects: 100)
                let result = Result { try committer.commit([thermo(1, t: 3.0)]) }
                outcome.withLock { $0 = result }
                done.signal()
            }
            // The committer's INSERT now waits for this transaction's row.
            Thread.sleep(forTimeInterval: 0.5)
            #expect(outcome.withLock { $0 } == nil, "the committer waits for the uncommitted row")
        }
        #expect(done.wait(timeout: .now() + 30) == .success)
        let stats = try #require(try outcome.withLock { $0 }?.get())
        #expect(stats.readingsInserted == 1)
        #expect(try count(f, "device") == 1)
    }

    @Test func eventsTicketsAndKeysAreIdempotent() throws {
        let f = try PostgresFixture()
        let committer = PostgresBatchCommitter(database: f.database, maxRejects: 100)
        let weigh = WriteItem.event(EventRecord(key: scale, boot: 1, seq: 5, deviceTime: 1_000, receivedAt: 1_010,
                                                type: "weigh", json: #"{"req":"r1"}"#))
        let key = WriteItem.ticketKey(TicketKeyRecord(keyID: "0", fingerprint: "f1", firstSigned: 2_000))
        let first = try committer.commit([weigh, .ticket(ticket(id: 11, req: "r1")), key])
        #expect(first.eventsInserted == 1 && first.ticketsInserted == 1 && first.ticketsIgnored.isEmpty)
        // A retried weighing: same event, same (scale, req) under a new id; a key's fingerprint stays its first.
        let retried = try committer.commit([weigh, .ticket(ticket(id: 12, req: "r1")),
                                            .ticketKey(TicketKeyRecord(keyID: "0", fingerprint: "f2", firstSigned: 3_000))])
        #expect(retried.eventsInserted == 0 && retried.duplicatesIgnored == 1)
        #expect(retried.ticketsInserted == 0 && retried.ticketsIgnored == [12])
        #expect(try count(f, "ticket") == 1)
        #expect(try f.database.query("SELECT fingerprint FROM ticket_key").map { try $0.decode(String.self) } == ["f1"])
        // The scale's device row exists (an event or ticket creates it) and its snapshot went in with it.
        #expect(try count(f, "device") == 1)
    }

    @Test func keepsOnlyTheNewestRejects() throws {
        let f = try PostgresFixture()
        let committer = PostgresBatchCommitter(database: f.database, maxRejects: 10)
        let rejects = (0..<25).map { i in
            WriteItem.reject(RejectRecord(at: hourStart + Int64(i), reason: "bad_json", topic: "bk/v1/a/b/telemetry",
                                          message: "reject \(i)", payload: Array(repeating: 0x41, count: 2_000)))
        }
        _ = try committer.commit(rejects)
        let kept = try f.database.query("SELECT message, payload_size, length(payload) FROM reject ORDER BY id DESC")
            .map { try $0.decode((String, Int64, Int32).self) }
        #expect(kept.count == 10)
        #expect(kept.first.map { $0.0 == "reject 24" && $0.1 == 2_000 && Int($0.2) == RejectRecord.keptPayloadBytes }
            == true)
    }

    @Test func snapshotsAndGapsAcrossARestartedCommitter() throws {
        let f = try PostgresFixture()
        var snapshot = DeviceSnapshot(key: fridge)
        snapshot.kind = .thermo
        snapshot.boot = 7
        snapshot.lastSeq = 120
        snapshot.online = true
        snapshot.lastSeen = hourStart
        snapshot.gaps = [SeqGap(boot: 7, first: 100, last: 110, openedAt: hourStart)]
        snapshot.lastReading = StoredReading(seq: nil, deviceTime: hourStart, receivedAt: hourStart + 5,
                                             readings: .thermo(ThermoReading(celsius: 3.5)))
        _ = try PostgresBatchCommitter(database: f.database, maxRejects: 10).commit([.device(snapshot)])
        let row = try #require(try f.database.query("""
            SELECT kind, boot, last_seq, online, last_reading FROM device
            """).first?.decode((String?, Int64?, Int64?, Bool, String?).self))
        #expect(row.0 == "thermo" && row.1 == 7 && row.2 == 120 && row.3)
        #expect(row.4 == #"{"kind":"thermo","thermo":{"t":3.5}}"#)
        #expect(try count(f, "seq_gap") == 1)

        // A new committer (a restarted gateway) still clears the gap rows it did not write.
        snapshot.gaps = []
        snapshot.lastSeq = 121
        _ = try PostgresBatchCommitter(database: f.database, maxRejects: 10).commit([.device(snapshot)])
        #expect(try count(f, "seq_gap") == 0)
    }

    @Test func progressOnlySnapshotsWaitUntilDueOrFlushed() throws {
        let f = try PostgresFixture()
        let committer = PostgresBatchCommitter(database: f.database, maxRejects: 10, snapshotInterval: .seconds(60))
        var snapshot = DeviceSnapshot(key: fridge)
        snapshot.boot = 1
        snapshot.lastSeq = 1
        _ = try committer.commit([thermo(1, t: 3), .device(snapshot)])
        snapshot.lastSeq = 2
        _ = try committer.commit([thermo(2, t: 3), .device(snapshot)])
        let lastSeq = { try f.database.query("SELECT last_seq FROM device").first?.decode(Int64?.self) }
        #expect(try lastSeq() == 1)
        #expect(committer.hasDeferredSnapshots && committer.snapshotsDue() != nil)
        _ = try committer.commit([], flushSnapshots: true)
        #expect(try lastSeq() == 2)
        #expect(!committer.hasDeferredSnapshots)
    }

    @Test func aFailedCommitKeepsNothingAndTheRetrySucceeds() throws {
        let f = try PostgresFixture()
        let committer = PostgresBatchCommitter(database: f.database, maxRejects: 10)
        let batch = [thermo(1, t: 3), WriteItem.event(EventRecord(key: fridge, boot: 1, seq: 2, deviceTime: hourStart,
                                                                   receivedAt: hourStart, type: "run", json: "{}"))]
        try f.database.execute("ALTER TABLE event RENAME TO event_away")
        #expect(thrownKind { _ = try committer.commit(batch) } == .server)
        #expect(try count(f, "device") == 0 && count(f, "reading") == 0)
        try f.database.execute("ALTER TABLE event_away RENAME TO event")
        committer.resetAfterFailure()
        // The device row of the failed attempt was rolled back: its cached id must not be reused.
        let stats = try committer.commit(batch)
        #expect(stats.readingsInserted == 1 && stats.eventsInserted == 1)
        #expect(try f.database.query("SELECT count(*) FROM reading r JOIN device d ON d.id = r.device_id")
            .first?.decode(Int64.self) == 1)
    }

    /// The same batches through the SQLite writer and through this one leave the same rows.
    @Test func writesWhatTheSQLiteWriterWrites() throws {
        var snapshot = DeviceSnapshot(key: fridge)
        snapshot.kind = .thermo
        snapshot.boot = 1
        snapshot.lastSeq = 3
        snapshot.lostCount = 1
        snapshot.previousBoot = 0
        snapshot.previousLastSeq = 9
        snapshot.gaps = [SeqGap(boot: 1, first: 2, last: 2, openedAt: hourStart)]
        snapshot.lastReading = StoredReading(seq: 3, deviceTime: hourStart + 2, receivedAt: hourStart + 52,
                                             readings: .thermo(ThermoReading(celsius: -18.25, humidity: 60, battery: 90)))
        let door = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("disinfector-1")!)
        let batches: [[WriteItem]] = [
            // Seq 1 twice in one batch: the first copy is the one kept, and rolled up once.
            [thermo(1, t: 3.5), thermo(3, t: -18.25, at: hourStart + 2), thermo(1, t: 7), .device(snapshot),
             .reading(ReadingRecord(key: door, boot: 2, seq: 1, deviceTime: hourStart, receivedAt: hourStart,
                                    readings: .disinfector(DisinfectorStatus(state: .running, temperature: 121.5))))],
            // A redelivered reading carries its device timestamp unchanged.
            [thermo(3, t: 0, at: hourStart + 2), thermo(4, t: 1e-7, at: hourStart + 7_200_000), .ticket(ticket(id: 1, req: "a")),
             .ticket(ticket(id: 2, req: "a"))],
        ]

        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        for batch in batches { try writer.submitAndWait(batch) }
        writer.stop()
        let f = try PostgresFixture()
        let committer = PostgresBatchCommitter(database: f.database, maxRejects: 10)
        for batch in batches { _ = try committer.commit(batch, flushSnapshots: true) }

        let queries = [
            "SELECT d.site, d.device, r.boot, r.seq, r.ts_ms, r.received_ms, r.t, r.rh, r.bat, r.data FROM reading r "
                + "JOIN device d ON d.id = r.device_id ORDER BY d.device, r.boot, r.seq",
            "SELECT d.device, metric, hour, min, max, sum, count FROM rollup_hourly r JOIN device d ON d.id = r.device_id "
                + "ORDER BY d.device, metric, hour",
            "SELECT site, device, kind, boot, last_seq, last_reading_ts_ms, last_reading_received_ms, last_reading, "
                + "lost_count, previous_boot, previous_last_seq FROM device ORDER BY device",
            "SELECT d.device, g.boot, g.first_seq, g.last_seq, g.opened_ms FROM seq_gap g JOIN device d ON d.id = g.device_id",
            "SELECT id, code, trace_no, site, device, req, grams, total_fen, issued_ms FROM ticket ORDER BY id",
        ]
        let sqlite = try DatabaseQueue(path: dir.file("bk.sqlite"))
        for query in queries {
            let expected = try sqlite.read { db in
                try Row.fetchAll(db, sql: query).map { row in Array(row.databaseValues.map { "\($0)" }) }
            }
            let actual = try f.database.query(query).map { row in
                try row.map { cell -> String in try Self.text(cell) }
            }
            #expect(actual == expected, "\(query)")
            #expect(!expected.isEmpty, "\(query)")
        }
    }

    /// A PostgreSQL cell as GRDB prints a `DatabaseValue`: NULL, integers, doubles, text as a Swift literal.
    static func text(_ cell: PostgresCell) throws -> String {
        if cell.bytes == nil { return "NULL" }
        switch cell.dataType {
        case .int8, .int4, .int2: return "\(try cell.decode(Int64.self))"
        case .float8: return "\(try cell.decode(Double.self))"
        case .bool: return try cell.decode(Bool.self) ? "1" : "0"
        default: return try cell.decode(String.self).debugDescription
        }
    }
}
