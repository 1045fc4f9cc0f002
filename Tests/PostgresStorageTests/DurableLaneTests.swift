import Foundation
import KitchenModel
import Logging
import PostgresStorage
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing

private let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
private let camera = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-1")!)
private let hourStart: EpochMillis = 1_795_276_800_000

private func reading(_ seq: Int64) -> WriteItem {
    .reading(ReadingRecord(key: fridge, boot: 1, seq: seq, deviceTime: hourStart + seq, receivedAt: hourStart + seq,
                           readings: .thermo(ThermoReading(celsius: 4, humidity: 60, battery: 90))))
}

private func event(_ key: DeviceKey, seq: Int64) -> [WriteItem] {
    var snapshot = DeviceSnapshot(key: key)
    snapshot.boot = 1
    snapshot.lastSeq = seq
    snapshot.online = true
    return [.event(EventRecord(key: key, boot: 1, seq: seq, deviceTime: hourStart + seq, receivedAt: hourStart + seq,
                               type: "detection", json: #"{"class":"rodent"}"#)), .device(snapshot)]
}

/// A transaction holding `LOCK TABLE reading` on its own thread until `release()`: every commit
/// that inserts readings waits for it, as a telemetry batch waits for its WAL flush.
private final class ReadingLock: Sendable {
    private let taken = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(_ database: PostgresDatabase) {
        Thread { [self] in
            _ = try? database.transaction { session in
                try session.execute("LOCK TABLE reading IN SHARE MODE")
                taken.signal()
                released.wait()
            }
            done.signal()
        }.start()
        taken.wait()
    }

    func release() {
        released.signal()
        done.wait()
    }
}

/// Issue 15, item 7: on PostgreSQL a durable write (a class-1 detection) does not wait behind a
/// telemetry batch's commit, and a device is never in both lanes at once.
@Suite struct DurableLaneTests {
    @Test func aDetectionCommitsWhileATelemetryBatchIsStuck() throws {
        let f = try PostgresFixture()
        try PostgresPartitions.ensureReadingPartitions(f.database, now: hourStart)
        let database = try PostgresDatabase(url: f.url, password: ThrowawayPostgres.password, maxConnections: 4)
        defer { database.close() }
        let writer = BatchWriter(store: PostgresStore(database: database), logger: Logger(label: "test"))
        #expect(writer.hasDurableLane)
        writer.start()
        defer { writer.stop() }
        try writer.submitAndWait(event(fridge, seq: 1))  // the fridge's row exists before the lock

        let lock = ReadingLock(f.database)
        try writer.submit([reading(2), reading(3)])
        Thread.sleep(forTimeInterval: 0.1)  // the bulk lane is now waiting for the lock

        // The camera has nothing in the bulk lane: its detection commits at once. (On a thread, so
        // a detection stuck behind the lock fails the test instead of hanging it.)
        let cameraDone = DispatchSemaphore(value: 0)
        Thread {
            try? writer.submitAndWait(event(camera, seq: 7))
            cameraDone.signal()
        }.start()
        guard cameraDone.wait(timeout: .now() + 5) == .success else {
            lock.release()
            Issue.record("the detection waited behind the stuck telemetry batch")
            return
        }
        #expect(try f.database.query("SELECT count(*) FROM event WHERE seq = 7").first?.decode(Int64.self) == 1)
        #expect(try f.database.query("""
            SELECT last_seq FROM device WHERE device = 'cam-1'
            """).first?.decode(Int64?.self) == 7)

        // The fridge has readings in the bulk lane: its event waits for them, in order.
        let fridgeDone = Mutex(false)
        let waiter = Thread {
            try? writer.submitAndWait(event(fridge, seq: 4))
            fridgeDone.withLock { $0 = true }
        }
        waiter.start()
        Thread.sleep(forTimeInterval: 0.5)
        #expect(fridgeDone.withLock { $0 } == false)
        #expect(try f.database.query("SELECT count(*) FROM event WHERE seq = 4").first?.decode(Int64.self) == 0)

        lock.release()
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while !fridgeDone.withLock({ $0 }) && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(fridgeDone.withLock { $0 })
        try writer.flush()
        #expect(try f.database.query("SELECT count(*) FROM reading").first?.decode(Int64.self) == 2)
        #expect(try f.database.query("SELECT count(*) FROM event").first?.decode(Int64.self) == 3)
        #expect(try f.database.query("""
            SELECT last_seq FROM device WHERE device = 'fridge-1'
            """).first?.decode(Int64?.self) == 4)
        #expect(writer.failure == nil)
    }

    @Test func oneLaneWhenTurnedOff() throws {
        let f = try PostgresFixture()
        var options = BatchWriter.Options()
        options.durableLane = false
        let writer = BatchWriter(store: PostgresStore(database: f.database), options: options, logger: Logger(label: "test"))
        #expect(!writer.hasDurableLane)
        writer.start()
        try writer.submitAndWait(event(camera, seq: 1))
        writer.stop()
        #expect(try f.database.query("SELECT count(*) FROM event").first?.decode(Int64.self) == 1)
    }

    @Test func sqliteHasOneLane() throws {
        let dir = TemporaryDirectory()
        let writer = BatchWriter(store: try Store(path: dir.file("bk.sqlite")), logger: Logger(label: "test"))
        #expect(!writer.hasDurableLane)
    }
}
