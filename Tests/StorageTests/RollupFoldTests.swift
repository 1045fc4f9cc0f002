import Foundation
import GRDB
import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing

/// SQLite folds thermometer rollups once their hour has closed (`RollupMaterializer`); until
/// then readers compute them from raw readings. Whatever the moment, a reader must see the same
/// rollups as if every reading had been upserted on arrival.
@Suite struct RollupFoldTests {
    static let hour: EpochMillis = 3_600_000

    /// Readings of the current hour, spaced so they cannot spill into the next one.
    static func currentHour() -> (start: EpochMillis, now: EpochMillis) {
        let now = EpochMillis(Date().timeIntervalSince1970 * 1000)
        return (now / hour * hour, now)
    }

    /// A SQLite store in a fresh directory with a running writer; the caller stops the writer.
    func openStore(_ path: String) throws -> (Store, BatchWriter) {
        let store = try Store(path: path)
        let writer = BatchWriter(store: store, options: BatchWriter.Options(), logger: .init(label: "test"))
        writer.start()
        return (store, writer)
    }

    /// A second connection beside the store's; it waits for a lock (the store's checkpoints, a
    /// busy machine) rather than failing the test with "database is locked".
    static func rawQueue(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    func rawRollupRows(_ path: String) throws -> [String] {
        try Self.rawQueue(path).read { db in
            try String.fetchAll(db, sql: """
                SELECT metric || ' ' || hour || ' ' || min || ' ' || max || ' ' || sum || ' ' || count
                FROM rollup_hourly ORDER BY metric, hour
                """)
        }
    }

    @Test func openHoursComeFromReadingsAndAreFoldedWholeOnceClosed() throws {
        let directory = TemporaryDirectory("bk-fold")
        let path = directory.file("bk.sqlite")
        let (start, _) = Self.currentHour()
        let (store, writer) = try openStore(path)
        defer { writer.stop() }
        try writer.submitAndWait([thermo(1, t: 2.0, at: start), thermo(2, t: 6.0, at: start + 1)])
        try writer.submitAndWait([thermo(3, t: 4.0, at: start + 2), thermo(3, t: 4.0, at: start + 2)])

        // Nothing written to the table for the open hour, yet the reader sees all three readings.
        #expect(try store.meta(RollupMaterializer.metaKey) == String(start / Self.hour))
        #expect(try rawRollupRows(path).isEmpty)
        let open = try store.rollups(of: fridge, metric: "t", since: start)
        #expect(open.map(\.count) == [3])
        #expect(open.first?.min == 2.0 && open.first?.max == 6.0 && open.first?.average == 4.0)
        #expect(try store.rollups(of: fridge, metric: "rh", since: start).map(\.count) == [3])
        #expect(try store.counts().rollups == 2)

        // A restart (no shutdown hook runs on a crash) loses none of it.
        #expect(try Store(path: path).rollups(of: fridge, metric: "t", since: start) == open)

        // Two hours on, the hour is folded: the same answer, now from the table.
        _ = try store.applyRetention(RetentionPolicy(), now: start + 2 * Self.hour + RollupMaterializer.grace)
        #expect(try store.meta(RollupMaterializer.metaKey) == String(start / Self.hour + 2))
        #expect(try rawRollupRows(path).count == 2)
        #expect(try store.rollups(of: fridge, metric: "t", since: start) == open)

        // A reading that arrives after its hour was folded is added to the folded cell at once.
        try writer.submitAndWait([thermo(4, t: 10.0, at: start + 3)])
        let late = try store.rollups(of: fridge, metric: "t", since: start)
        #expect(late.map(\.count) == [4])
        #expect(late.first?.max == 10.0 && late.first?.average == 5.5)
        #expect(try rawRollupRows(path).contains("t \(start / Self.hour) 2.0 10.0 22.0 4"))
    }

    @Test func aStoreWithRollupsWrittenBeforeTheFoldIsNotCountedTwice() throws {
        let directory = TemporaryDirectory("bk-fold")
        let path = directory.file("bk.sqlite")
        let (start, _) = Self.currentHour()
        do {
            let (_, writer) = try openStore(path)
            try writer.submitAndWait([thermo(1, t: 3.0, at: start)])
            writer.stop()
        }
        // As an earlier release left it: the open hour's cells upserted reading by reading, no watermark.
        try Self.rawQueue(path).write { db in
            try db.execute(sql: """
                INSERT INTO rollup_hourly (device_id, metric, hour, min, max, sum, count)
                SELECT device_id, 't', ts_ms / 3600000, t, t, t, 1 FROM reading
                """)
            try db.execute(sql: "DELETE FROM gateway_meta WHERE key = ?", arguments: [RollupMaterializer.metaKey])
        }
        let (store, writer) = try openStore(path)
        defer { writer.stop() }
        #expect(try store.rollups(of: fridge, metric: "t", since: start).map(\.count) == [1])
        try writer.submitAndWait([thermo(2, t: 5.0, at: start + 1)])
        let rows = try store.rollups(of: fridge, metric: "t", since: start)
        #expect(rows.map(\.count) == [2])
        #expect(rows.first?.average == 4.0)
        _ = try store.applyRetention(RetentionPolicy(), now: start + 2 * Self.hour + RollupMaterializer.grace)
        #expect(try store.rollups(of: fridge, metric: "t", since: start) == rows)
    }

    @Test func otherKindsAndLateReadingsAreUpsertedAtOnce() throws {
        let directory = TemporaryDirectory("bk-fold")
        let path = directory.file("bk.sqlite")
        let (start, _) = Self.currentHour()
        let (store, writer) = try openStore(path)
        defer { writer.stop() }
        let cabinet = DeviceKey(site: fridge.site, device: DeviceID("cabinet-1")!)
        try writer.submitAndWait([
            .reading(ReadingRecord(key: cabinet, boot: 1, seq: 1, deviceTime: start, receivedAt: start,
                                   readings: .disinfector(DisinfectorStatus(state: .running, temperature: 121.0)))),
            thermo(1, t: 3.0, at: start - 5 * Self.hour),  // a replay from a closed hour
        ])
        let rows = try rawRollupRows(path)
        #expect(rows.contains { $0.hasPrefix("temp_c \(start / Self.hour) ") })
        #expect(rows.contains("t \(start / Self.hour - 5) 3.0 3.0 3.0 1"))
        #expect(try store.rollups(of: cabinet, metric: "temp_c", since: start).map(\.count) == [1])
    }
}
