import PostgresStorage
import TestSupport
import Testing

@Suite struct PostgresPartitionsTests {
    /// 2026-12-05 00:00 UTC.
    static let dayStart: Int64 = 1_796_428_800_000
    static let today = PostgresPartitions.day(ofMillis: dayStart)

    func insertReading(_ database: PostgresDatabase, seq: Int64, at ts: Int64) throws -> Int {
        try database.execute("""
            INSERT INTO reading (device_id, boot, seq, ts_ms, received_ms, t) VALUES (1, 1, $1, $2, $2, 4.5)
            ON CONFLICT DO NOTHING
            """, [.int(seq), .int(ts)])
    }

    func partition(holding seq: Int64, _ database: PostgresDatabase) throws -> String? {
        try database.query("SELECT tableoid::regclass::text FROM reading WHERE seq = $1", [.int(seq)])
            .first?.decode(String.self)
    }

    @Test func namesAreUTCDays() {
        #expect(PostgresPartitions.partitionName(day: Self.today) == "reading_p20261205")
        #expect(PostgresPartitions.day(ofPartition: "reading_p20261205") == Self.today)
        #expect(PostgresPartitions.partitionName(day: 0) == "reading_p19700101")
        #expect(PostgresPartitions.partitionName(day: PostgresPartitions.day(ofMillis: 951_825_600_000))
            == "reading_p20000229")
        #expect(PostgresPartitions.day(ofMillis: Self.dayStart - 1) == Self.today - 1)
        #expect(PostgresPartitions.day(ofMillis: -1) == -1)
        #expect(PostgresPartitions.day(ofPartition: "reading_p20260231") == nil)
        #expect(PostgresPartitions.day(ofPartition: "reading_default") == nil)
        for day in stride(from: Int64(0), through: 40_000, by: 97) {
            #expect(PostgresPartitions.day(ofPartition: PostgresPartitions.partitionName(day: day)) == day)
        }
    }

    @Test func aReadingLandsInItsDayAndIsIdempotent() throws {
        let fixture = try PostgresFixture()
        let created = try PostgresPartitions.ensureReadingPartitions(fixture.database, now: Self.dayStart + 3_600_000,
                                                                     behind: 1, ahead: 2)
        #expect(created == ["reading_p20261204", "reading_p20261205", "reading_p20261206", "reading_p20261207"])
        #expect(try PostgresPartitions.ensureReadingPartitions(fixture.database, now: Self.dayStart, behind: 1,
                                                               ahead: 2) == [])
        #expect(try PostgresPartitions.readingPartitions(fixture.database).map(\.name) == created)

        #expect(try insertReading(fixture.database, seq: 1, at: Self.dayStart + 5_000) == 1)
        #expect(try partition(holding: 1, fixture.database) == "reading_p20261205")
        // The same (device, boot, seq) redelivered with its device timestamp: nothing new.
        #expect(try insertReading(fixture.database, seq: 1, at: Self.dayStart + 5_000) == 0)
        #expect(try fixture.database.query("SELECT count(*) FROM reading").first?.decode(Int64.self) == 1)
        // Indexes of the parent exist on each partition.
        let indexes = try fixture.database.query(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'reading_p20261205' ORDER BY indexname")
            .map { try $0.decode(String.self) }
        #expect(indexes.count == 2)
    }

    @Test func aDayWithoutPartitionGoesToDefaultThenMovesToItsNewPartition() throws {
        let fixture = try PostgresFixture()
        try PostgresPartitions.createReadingPartitions(fixture.database, days: Self.today...Self.today)
        let farAhead = Self.dayStart + 30 * PostgresPartitions.dayMillis + 1
        #expect(try insertReading(fixture.database, seq: 7, at: farAhead) == 1)
        #expect(try partition(holding: 7, fixture.database) == "reading_default")

        #expect(try PostgresPartitions.createReadingPartitions(fixture.database, days: (Self.today + 30)...(Self.today + 30))
            == ["reading_p20270104"])
        #expect(try partition(holding: 7, fixture.database) == "reading_p20270104")
        #expect(try fixture.database.query("SELECT count(*) FROM reading_default").first?.decode(Int64.self) == 0)
        // Still idempotent on the moved row.
        #expect(try insertReading(fixture.database, seq: 7, at: farAhead) == 0)
    }

    @Test func retentionDropsWholeDaysBeforeTheCutoff() throws {
        let fixture = try PostgresFixture()
        try PostgresPartitions.createReadingPartitions(fixture.database, days: (Self.today - 3)...Self.today)
        let day = PostgresPartitions.dayMillis
        _ = try insertReading(fixture.database, seq: 1, at: Self.dayStart - 3 * day + 10)
        _ = try insertReading(fixture.database, seq: 2, at: Self.dayStart - 1 * day + 10)
        _ = try insertReading(fixture.database, seq: 3, at: Self.dayStart + 10)
        _ = try insertReading(fixture.database, seq: 4, at: 86_400_000 * 100)  // 1970: default partition

        // A cutoff inside yesterday keeps yesterday whole.
        let result = try PostgresPartitions.dropReadingPartitions(fixture.database, olderThan: Self.dayStart - day / 2)
        #expect(result.dropped == ["reading_p20261202", "reading_p20261203"])
        #expect(result.readingsDeleted == 2)  // the partition's row and the default's
        #expect(try PostgresPartitions.readingPartitions(fixture.database).map(\.name)
            == ["reading_p20261204", "reading_p20261205"])
        #expect(try fixture.database.query("SELECT seq FROM reading ORDER BY seq").map { try $0.decode(Int64.self) }
            == [2, 3])
        #expect(try fixture.database.query("SELECT to_regclass('reading_p20261202') IS NULL").first?.decode(Bool.self)
            == true)
    }
}
