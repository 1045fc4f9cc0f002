import Foundation
import KitchenModel
import StorageModel
import TestSupport
import Testing

/// Both stores fold thermometer rollups once their hour has closed (SQLite's
/// `RollupMaterializer`, PostgreSQL's `PostgresRollupFold`); through the writer and the reader
/// interface they must answer alike before the fold, after it, and for a reading later still.
@Suite struct RollupFoldBothStoresTests {
    static let hour: EpochMillis = 3_600_000

    @Test(arguments: StoreBackend.allCases) func rollupsAreTheSameBeforeAndAfterTheFold(_ backend: StoreBackend) throws {
        let f = try WriterFixture(backend)
        defer { f.writer.stop() }
        let start = EpochMillis(Date().timeIntervalSince1970 * 1000) / Self.hour * Self.hour
        try f.writer.submitAndWait([thermo(1, t: 2.0, at: start), thermo(2, t: 6.0, at: start + 1)])
        try f.writer.submitAndWait([thermo(3, t: 4.0, at: start + 2)])
        let open = try f.store.rollups(of: fridge, metric: "t", since: start, until: .max)
        #expect(open.map(\.count) == [3])
        #expect(open.first?.min == 2.0 && open.first?.max == 6.0 && open.first?.average == 4.0)
        #expect(try f.store.counts().rollups == 2)

        _ = try f.store.applyRetention(RetentionPolicy(), now: start + 2 * Self.hour + 120_000)
        #expect(try f.store.rollups(of: fridge, metric: "t", since: start, until: .max) == open)
        #expect(try f.store.counts().rollups == 2)

        try f.writer.submitAndWait([thermo(4, t: 10.0, at: start + 3)])
        let late = try f.store.rollups(of: fridge, metric: "t", since: start, until: .max)
        #expect(late.map(\.count) == [4])
        #expect(late.first?.max == 10.0 && late.first?.average == 5.5)
        // A restart reads the same.
        #expect(try f.reopen().rollups(of: fridge, metric: "t", since: start, until: .max) == late)
    }
}
