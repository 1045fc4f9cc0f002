import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing

/// The charts' aggregation: SQLite groups a thermometer's readings into wall-clock slices.
@Suite struct TemperatureBucketTests {
    let quarter: EpochMillis = 15 * 60_000

    @Test(arguments: StoreBackend.allCases) func groupsOnWallClockBoundariesWithMinMaxMeanAndCount(_ backend: StoreBackend) throws {
        let f = try WriterFixture(backend)
        defer { f.writer.stop() }
        // hourStart is a multiple of 15 min; one reading a minute before it falls in the slice before.
        try f.writer.submitAndWait([
            thermo(1, t: 9, at: hourStart - 60_000),
            thermo(2, t: 2, at: hourStart), thermo(3, t: 4, at: hourStart + 60_000),
            thermo(4, t: 6, at: hourStart + quarter + 1),
        ])
        let buckets = try f.store.temperatureBuckets(of: fridge, since: hourStart - quarter, until: hourStart + 2 * quarter,
                                                     width: quarter, plausible: -55...125)
        #expect(buckets == [
            TemperatureBucket(start: hourStart - quarter, min: 9, max: 9, average: 9, count: 1),
            TemperatureBucket(start: hourStart, min: 2, max: 4, average: 3, count: 2),
            TemperatureBucket(start: hourStart + quarter, min: 6, max: 6, average: 6, count: 1),
        ])
    }

    @Test(arguments: StoreBackend.allCases) func leavesOutImplausibleValuesAndSentinels(_ backend: StoreBackend) throws {
        let f = try WriterFixture(backend)
        defer { f.writer.stop() }
        try f.writer.submitAndWait([
            thermo(1, t: 3, at: hourStart), thermo(2, t: -127, at: hourStart + 1_000), thermo(3, t: 85, at: hourStart + 2_000),
            thermo(4, t: 130, at: hourStart + 3_000), thermo(5, t: 5, at: hourStart + 4_000),
            thermo(6, t: -127, at: hourStart + quarter),
        ])
        let buckets = try f.store.temperatureBuckets(of: fridge, since: hourStart, until: hourStart + 2 * quarter,
                                                     width: quarter, plausible: -55...125, excluding: [85, -127])
        // The second slice held only a fault reading: no slice at all, not a −127 °C point.
        #expect(buckets == [TemperatureBucket(start: hourStart, min: 3, max: 5, average: 4, count: 2)])
    }

    /// More rows than the old 20 000-row read: the newest part of the day is still there.
    @Test(arguments: StoreBackend.allCases) func aFastDeviceKeepsItsNewestReadings(_ backend: StoreBackend) throws {
        let f = try WriterFixture(backend)
        defer { f.writer.stop() }
        let day: EpochMillis = 86_400_000
        let from = hourStart - day
        let n = 25_000
        let step = day / EpochMillis(n)
        try f.writer.submitAndWait((0..<n).map { i in thermo(Int64(i + 1), t: i < n - 100 ? 4 : 7, at: from + EpochMillis(i) * step) })
        let buckets = try f.store.temperatureBuckets(of: fridge, since: from, until: hourStart, width: quarter,
                                                     plausible: -55...125)
        #expect(buckets.count == 96)
        #expect(buckets.map(\.count).reduce(0, +) == n)
        #expect(buckets.last?.start == hourStart - quarter)
        #expect(buckets.last?.max == 7)
    }
}
