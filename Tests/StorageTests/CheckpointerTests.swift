import Foundation
import GRDB
import KitchenModel
import Logging
@testable import Storage
import StorageModel
import TestSupport
import Testing

@Suite struct CheckpointerTests {
    func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    @Test func foldsTheWALIntoTheDatabaseFromItsOwnThread() throws {
        let dir = TemporaryDirectory("bk-checkpoint")
        let path = dir.file("bk.sqlite")
        let store = try Store(path: path, automaticCheckpoints: false)
        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        defer { writer.stop() }
        let before = fileSize(path)
        try writer.submitAndWait((1...5_000).map { thermo(Int64($0), t: 3 + Double($0 % 10) / 10) })
        #expect(fileSize(path + "-wal") > 500_000, "commits alone leave everything in the WAL")
        #expect(fileSize(path) == before, "and nothing in the database file")

        let checkpointer = Checkpointer(path: path, interval: .milliseconds(20), minimumWALBytes: 64 * 1024,
                                        logger: Logger(label: "test"))
        try checkpointer.start()
        defer { checkpointer.stop() }
        #expect(eventually(timeout: .seconds(5)) { fileSize(path) > before + 300_000 },
                "the checkpointer copied the pages into the database file")
        try writer.submitAndWait([thermo(5_001, t: 4)])
        #expect(try store.counts().readings == 5_001, "writers carry on beside it")
    }

    /// Readings for `devices` thermometers, `perDevice` each, starting at `seq`: spread over many
    /// devices, every batch dirties many pages, as a gateway under load does.
    func spread(devices: Int, perDevice: Int, from seq: Int64) -> [WriteItem] {
        (0..<perDevice).flatMap { n in
            (0..<devices).map { d in
                WriteItem.reading(ReadingRecord(
                    key: DeviceKey(site: SiteID("canteen-\(d % 20)")!, device: DeviceID("t-\(d)")!), boot: 1,
                    seq: seq + Int64(n), deviceTime: hourStart + Int64(n), receivedAt: hourStart + Int64(n) + 50,
                    readings: .thermo(ThermoReading(celsius: 3, humidity: 60, battery: 90))))
            }
        }
    }

    /// Commits back to back beside a background checkpointer, and returns the largest the WAL got.
    func largestWAL(backstopPages: Int) throws -> Int {
        let dir = TemporaryDirectory("bk-checkpoint-backstop")
        let path = dir.file("bk.sqlite")
        let store = try Store(path: path, automaticCheckpoints: false, backstopCheckpointPages: backstopPages)
        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        defer { writer.stop() }
        let checkpointer = Checkpointer(path: path, interval: .milliseconds(10), minimumWALBytes: 64 * 1024,
                                        logger: Logger(label: "test"))
        try checkpointer.start()
        defer { checkpointer.stop() }
        var largest = 0
        for round in 0..<60 {
            try writer.submitAndWait(spread(devices: 400, perDevice: 2, from: Int64(round * 2 + 1)))
            largest = max(largest, fileSize(path + "-wal"))
        }
        return largest
    }

    /// Found by bench-ingest: under sustained commits the background checkpoint never copies every
    /// frame (new ones have always arrived by then), SQLite restarts the WAL only after one has,
    /// and the WAL grew by every page written (812 MiB after 200,000 readings). The writer's
    /// backstop checkpoint bounds it.
    @Test func theWALStaysBoundedUnderSustainedCommits() throws {
        let bounded = try largestWAL(backstopPages: 64)  // 256 KiB
        let unbounded = try largestWAL(backstopPages: 0)
        #expect(bounded < 3 * 1_048_576, "the WAL reached \(bounded) bytes with a backstop of 64 pages")
        #expect(unbounded > 2 * bounded, "without the backstop it reached \(unbounded) bytes, with it \(bounded)")
    }

    @Test func theWriterHasALargePageCacheAndTheBackstopReadersDoNot() throws {
        let dir = TemporaryDirectory("bk-checkpoint-pragmas")
        let store = try Store(path: dir.file("bk.sqlite"), automaticCheckpoints: false)
        let (cache, autocheckpoint) = try store.pool.write { db in
            (try Int.fetchOne(db, sql: "PRAGMA cache_size"), try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint"))
        }
        #expect(cache == -32_768)
        #expect(autocheckpoint == Store.backstopCheckpointPages)
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA cache_size") } == -2_000, "SQLite's default")
    }
}
