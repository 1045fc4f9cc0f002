import Foundation
import KitchenModel
import PostgresStorage
import StorageModel
import TestSupport
import Testing

/// PostgreSQL folds thermometer rollups once their hour has closed (`PostgresRollupFold`); until
/// then readers compute them from raw readings. Whatever the moment, and however many
/// connections commit at once, a reader must see what upserting every reading would have given.
@Suite struct PostgresRollupFoldTests {
    static let hour: EpochMillis = 3_600_000
    static let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)

    static func thermo(_ seq: Int64, t: Double, at ts: EpochMillis, of key: DeviceKey = fridge, boot: Int64 = 1)
        -> WriteItem {
        .reading(ReadingRecord(key: key, boot: boot, seq: seq, deviceTime: ts, receivedAt: ts,
                               readings: .thermo(ThermoReading(celsius: t, humidity: 60, battery: 90))))
    }

    static func now() -> EpochMillis { EpochMillis(Date().timeIntervalSince1970 * 1000) }

    func open() throws -> (PostgresFixture, PostgresStore, PostgresBatchCommitter) {
        let f = try PostgresFixture()
        try PostgresPartitions.ensureReadingPartitions(f.database, now: Self.now())
        return (f, PostgresStore(database: f.database), PostgresBatchCommitter(database: f.database, maxRejects: 100))
    }

    func rawRollupRows(_ f: PostgresFixture) throws -> [String] {
        try f.database.query("""
            SELECT metric || ' ' || hour || ' ' || min || ' ' || max || ' ' || sum || ' ' || count
            FROM rollup_hourly ORDER BY metric, hour
            """).map { try $0.decode(String.self) }
    }

    @Test func openHoursComeFromReadingsAndAreFoldedWholeOnceClosed() throws {
        let (f, store, committer) = try open()
        let start = Self.now() / Self.hour * Self.hour
        _ = try committer.commit([Self.thermo(1, t: 2.0, at: start), Self.thermo(2, t: 6.0, at: start + 1)])
        _ = try committer.commit([Self.thermo(3, t: 4.0, at: start + 2), Self.thermo(3, t: 4.0, at: start + 2)])

        // Nothing in the table for the open hour, yet the reader sees all three readings.
        #expect(try store.meta(PostgresRollupFold.metaKey) == String(start / Self.hour))
        #expect(try rawRollupRows(f).isEmpty)
        let open = try store.rollups(of: Self.fridge, metric: "t", since: start, until: .max)
        #expect(open.map(\.count) == [3])
        #expect(open.first?.min == 2.0 && open.first?.max == 6.0 && open.first?.average == 4.0)
        #expect(try store.rollups(of: Self.fridge, metric: "rh", since: start, until: .max).map(\.count) == [3])
        #expect(try store.counts().rollups == 2)

        // Two hours on, retention folds the hour: the same answer, now from the table.
        _ = try store.applyRetention(RetentionPolicy(), now: start + 2 * Self.hour + PostgresRollupFold.grace)
        #expect(try store.meta(PostgresRollupFold.metaKey) == String(start / Self.hour + 2))
        #expect(try rawRollupRows(f).count == 2)
        #expect(try store.rollups(of: Self.fridge, metric: "t", since: start, until: .max) == open)
        #expect(try store.counts().rollups == 2)

        // A reading that arrives after its hour was folded is added to the folded cell at once.
        _ = try committer.commit([Self.thermo(4, t: 10.0, at: start + 3)])
        let late = try store.rollups(of: Self.fridge, metric: "t", since: start, until: .max)
        #expect(late.map(\.count) == [4])
        #expect(late.first?.max == 10.0 && late.first?.average == 5.5)
        #expect(try rawRollupRows(f).contains("t \(start / Self.hour) 2 10 22 4"))
    }

    @Test func aDatabaseWithoutWatermarkIsNotCountedTwice() throws {
        let (f, store, committer) = try open()
        let start = Self.now() / Self.hour * Self.hour
        _ = try committer.commit([Self.thermo(1, t: 3.0, at: start)])
        // As an earlier release or `store copy` leaves it: the open hour's cells complete in the
        // table, no watermark.
        try f.database.execute("""
            INSERT INTO rollup_hourly (device_id, metric, hour, min, max, sum, count)
            SELECT device_id, 't', ts_ms / 3600000, t, t, t, 1 FROM reading
            """)
        try f.database.execute("DELETE FROM gateway_meta WHERE key = $1", [.text(PostgresRollupFold.metaKey)])
        #expect(try store.rollups(of: Self.fridge, metric: "t", since: start, until: .max).map(\.count) == [1])
        #expect(try store.counts().rollups == 1)

        // A gateway of this release (a fresh committer) starts folding at the current hour.
        let restarted = PostgresBatchCommitter(database: try f.reopen(), maxRejects: 100)
        _ = try restarted.commit([Self.thermo(2, t: 5.0, at: start + 1)])
        let rows = try store.rollups(of: Self.fridge, metric: "t", since: start, until: .max)
        #expect(rows.map(\.count) == [2])
        #expect(rows.first?.average == 4.0)
        _ = try store.applyRetention(RetentionPolicy(), now: start + 2 * Self.hour + PostgresRollupFold.grace)
        #expect(try store.rollups(of: Self.fridge, metric: "t", since: start, until: .max) == rows)
        #expect(try rawRollupRows(f).contains("t \(start / Self.hour) 3 5 8 2"))
    }

    @Test func otherKindsAndLateReadingsAreUpsertedAtOnce() throws {
        let (f, store, committer) = try open()
        let start = Self.now() / Self.hour * Self.hour
        let cabinet = DeviceKey(site: Self.fridge.site, device: DeviceID("cabinet-1")!)
        _ = try committer.commit([
            .reading(ReadingRecord(key: cabinet, boot: 1, seq: 1, deviceTime: start, receivedAt: start,
                                   readings: .disinfector(DisinfectorStatus(state: .running, temperature: 121.0)))),
            Self.thermo(1, t: 3.0, at: start - 5 * Self.hour),  // a replay from a closed hour
        ])
        let rows = try rawRollupRows(f)
        #expect(rows.contains { $0.hasPrefix("temp_c \(start / Self.hour) ") })
        #expect(rows.contains("t \(start / Self.hour - 5) 3 3 3 1"))
        #expect(try store.rollups(of: cabinet, metric: "temp_c", since: start, until: .max).map(\.count) == [1])
    }

    /// Two connections commit readings of many hours while the fold moves the watermark through
    /// them: every reading must be in the rollups exactly once, whichever side of the fold it fell.
    @Test func concurrentCommittersLoseNothingWhileFolding() throws {
        let (f, store, _) = try open()
        let now = Self.now()
        let first = now / Self.hour
        let hours: Int64 = 24
        let devices = ["fridge-1", "fridge-2", "fridge-3"].map { DeviceKey(site: Self.fridge.site, device: DeviceID($0)!) }
        try PostgresPartitions.ensureReadingPartitions(f.database, now: now + hours * Self.hour)
        // The watermark starts at the current hour (the first fold), so every hour below is open.
        _ = try PostgresRollupFold.advance(f.database, now: now)
        // Device rows first: two transactions creating the same device at once is another race
        // (the writer retries the batch that loses it), not the one under test.
        for device in devices {
            try f.database.execute("INSERT INTO device (site, device) VALUES ($1, $2)",
                                   [.text(device.site.rawValue), .text(device.device.rawValue)])
        }
        let pools = [f.database, try f.reopen(), try f.reopen()]
        let failures = Failures()

        DispatchQueue.concurrentPerform(iterations: 3) { lane in
            do {
                if lane == 2 {
                    // The fold, an hour at a time, while the committers run.
                    for step in 1...hours {
                        try PostgresRollupFold.advance(pools[2], now: (first + step) * Self.hour + PostgresRollupFold.grace)
                        Thread.sleep(forTimeInterval: 0.01)
                    }
                    return
                }
                let committer = PostgresBatchCommitter(database: pools[lane], maxRejects: 100)
                for batch in 0..<150 {
                    var items: [WriteItem] = []
                    for i in 0..<8 {
                        let seq = Int64(batch * 8 + i)
                        let device = devices[(batch + i) % devices.count]
                        // Integer temperatures: sums are exact whatever order they are added in.
                        let at = (first + (seq * 7 + Int64(lane)) % hours) * Self.hour + seq
                        items.append(Self.thermo(seq, t: Double(seq % 40), at: at, of: device, boot: Int64(lane + 1)))
                    }
                    _ = try committer.commit(items)
                }
            } catch {
                failures.add(error)
            }
        }
        #expect(failures.list.isEmpty, "\(failures.list)")
        #expect(try store.meta(PostgresRollupFold.metaKey) == String(first + hours))

        for device in devices {
            let expected = try f.database.query("""
                SELECT r.ts_ms / 3600000, min(r.t), max(r.t), sum(r.t), count(r.t)
                FROM reading r JOIN device d ON d.id = r.device_id WHERE d.device = $1
                GROUP BY 1 ORDER BY 1
                """, [.text(device.device.rawValue)]).map { row in
                let (hour, lo, hi, sum, n) = try row.decode((Int64, Double, Double, Double, Int).self)
                return RollupRow(metric: "t", hourStart: hour * Self.hour, min: lo, max: hi, average: sum / Double(n),
                                 count: n)
            }
            #expect(expected.reduce(0) { $0 + $1.count } == 2 * 150 * 8 / devices.count)
            #expect(try store.rollups(of: device, metric: "t", since: 0, until: .max) == expected)
        }
    }
}

/// Errors of concurrent lanes, gathered for one expectation.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []

    func add(_ error: any Error) {
        lock.lock()
        errors.append(String(describing: error))
        lock.unlock()
    }

    var list: [String] {
        lock.lock()
        defer { lock.unlock() }
        return errors
    }
}
