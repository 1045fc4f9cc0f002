import Foundation
import KitchenModel
import Logging
import PostgresStorage
import Storage
import StorageModel

/// Phase 3: bytes on disk per sensor, measured by writing `days` of one-per-interval
/// readings for a few sensors through the real batch writer; on SQLite the file's size, on
/// PostgreSQL (issue 15) `pg_total_relation_size` (heap, indexes, TOAST, free-space and visibility
/// maps) of the reading day partitions and of the hourly rollups, each per row.
struct DiskCost {
    let days: Int
    let intervalSeconds: Int
    let sensors = 10
    let start: EpochMillis = 1_767_225_600_000  // 2026-01-01
    var perDay: Int { 86_400 / intervalSeconds }

    func run(_ kind: BenchStoreKind = .sqlite, postgres: BenchPostgres? = nil) throws {
        switch kind {
        case .sqlite: try runSQLite()
        case .postgres: try runPostgres(try require(postgres, "no PostgreSQL server started"))
        }
    }

    /// Every reading of `sensors` sensors over `days` days, through the real batch writer.
    private func write(_ store: any IngestStore) throws {
        let writer = BatchWriter(store: store, logger: Logger(label: "disk"))
        writer.start()
        let site = SiteID("disk")!
        for s in 0..<sensors {
            let key = DeviceKey(site: site, device: DeviceID("t-\(s)")!)
            var items: [WriteItem] = []
            for i in 0..<(perDay * days) {
                let ts = start + EpochMillis(i * intervalSeconds * 1000)
                items.append(.reading(ReadingRecord(key: key, boot: 1, seq: Int64(i), deviceTime: ts, receivedAt: ts + 40,
                                                    readings: .thermo(ThermoReading(celsius: 3 + Double(i % 50) / 10,
                                                                                    humidity: 60 + Double(i % 30) / 10,
                                                                                    battery: 90)))))
                if items.count == 10_000 { try writer.submit(items); items.removeAll(keepingCapacity: true) }
            }
            try writer.submit(items)
        }
        try writer.flush()
        writer.stop()
    }

    private func runSQLite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bk-disk-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/bk.sqlite")
        try write(store)
        try store.checkpoint()
        let counts = try store.counts()
        let bytes = (try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int) ?? 0
        let rollupShare = Double(counts.rollups) / Double(counts.readings + counts.rollups)
        let perReading = Double(bytes) / Double(counts.readings + counts.rollups)
        let rawPerYear = perReading * Double(perDay * 365)
        let rawRetained = perReading * Double(perDay * 30)
        let rollupsPerYear = perReading * Double(24 * 365 * 2)  // t and rh
        print("\n## Disk cost (sqlite): \(sensors) sensors × \(days) days at one reading per \(intervalSeconds) s")
        print(String(format: "file %.1f MB for %d readings + %d hourly rollups (%.1f%% rollups) = %.0f bytes per row",
                     Double(bytes) / 1_048_576, counts.readings, counts.rollups, rollupShare * 100, perReading))
        print(String(format: "one sensor-year of raw readings   %6.1f MB (kept 30 days by default: %.1f MB)",
                     rawPerYear / 1_048_576, rawRetained / 1_048_576))
        print(String(format: "one sensor-year of hourly rollups %6.2f MB (kept 2 years: %.2f MB)",
                     rollupsPerYear / 1_048_576, 2 * rollupsPerYear / 1_048_576))
    }
}

extension DiskCost {
    /// The same readings into a fresh PostgreSQL database, its day partitions made first (as the
    /// gateway's maintenance tick makes them ahead of time), then a VACUUM (what autovacuum does
    /// for the rollups' upserts) before the tables are measured.
    private func runPostgres(_ postgres: BenchPostgres) throws {
        let url = try postgres.createDatabase()
        let name = String(url.split(separator: "/").last!.prefix { $0 != "?" })
        let store = try PostgresStore.open(url: url, passwordFile: postgres.passwordFile, now: start)
        defer { store.database.close() }
        let firstDay = PostgresPartitions.day(ofMillis: start)
        try PostgresPartitions.createReadingPartitions(store.database, days: firstDay...(firstDay + Int64(days)))
        try write(store)
        let counts = try store.counts()
        _ = try postgres.scalar("VACUUM ANALYZE", database: name)
        let readingBytes = Double(try postgres.scalar("""
            SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'reading'::regclass
            """, database: name)) ?? .nan
        let rollupBytes = Double(try postgres.scalar("SELECT pg_total_relation_size('rollup_hourly')", database: name)) ?? .nan
        let partitions = try postgres.scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = 'reading'::regclass",
                                             database: name)
        let perReading = readingBytes / Double(counts.readings)
        let perRollup = rollupBytes / Double(counts.rollups)
        let rawPerYear = perReading * Double(perDay * 365)
        let rollupsPerYear = perRollup * Double(24 * 365 * 2)  // t and rh
        print("\n## Disk cost (postgres): \(sensors) sensors × \(days) days at one reading per \(intervalSeconds) s")
        print(String(format: "readings %.1f MB in \(partitions) partitions for %d rows = %.0f bytes per reading",
                     readingBytes / 1_048_576, counts.readings, perReading))
        print(String(format: "rollup_hourly %.2f MB for %d rows = %.0f bytes per rollup", rollupBytes / 1_048_576,
                     counts.rollups, perRollup))
        print(String(format: "one sensor-year of raw readings   %6.1f MB (kept 30 days by default: %.1f MB)",
                     rawPerYear / 1_048_576, perReading * Double(perDay * 30) / 1_048_576))
        print(String(format: "one sensor-year of hourly rollups %6.2f MB (kept 2 years: %.2f MB)",
                     rollupsPerYear / 1_048_576, 2 * rollupsPerYear / 1_048_576))
    }
}
