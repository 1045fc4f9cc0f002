import Foundation
import KitchenModel
import Logging
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing

@Suite struct TraceabilityStoreTests {
    static let market = SiteID("market-01")!
    static let scale = DeviceKey(site: market, device: DeviceID("scale-a12")!)

    static func batch(_ id: String = "b-1", at: EpochMillis = 1_000) -> Batch {
        Batch(id: BatchID(id)!, site: market, stall: "A12", item: "青菜", category: "蔬菜", quantity: 100, unit: "kg",
              supplier: Supplier(name: "绿源", licence: "L-1"), origin: Origin(place: "蔡甸"), arrivalDate: "2026-11-22",
              gtin: "06901234567892", lot: "L1",
              inspection: Inspection(method: .rapidTest, passed: true, items: ["农残"], tester: "张", at: at),
              createdAt: at, updatedAt: at)
    }

    static func ticket(id: UInt64, req: String, batch: String = "b-1", at: EpochMillis = 2_000) -> Ticket {
        Ticket(id: id, code: "C\(id)", traceNumber: String(format: "%020d", id), keyID: "0", scale: scale, req: req,
               stall: "A12", batch: BatchID(batch)!, plu: "1002", item: "青菜", grams: 1250, unitPriceFen: 680,
               totalFen: 850, issuedAt: at)
    }

    @Test(arguments: StoreBackend.allCases) func batchesKeepEveryChangeInTheirHistory(_ backend: StoreBackend) throws {
        let f = try WriterFixture(backend)
        defer { f.writer.stop() }
        try f.store.createBatch(Self.batch(), actor: "clerk")
        #expect(throws: BatchWriteError.duplicate(BatchID("b-1")!)) { try f.store.createBatch(Self.batch(), actor: "clerk") }
        try f.store.updateBatch(BatchID("b-1")!, kind: .reinspected, actor: "tester") { b in
            b.inspection?.passed = false
            b.updatedAt = 3_000
        }
        try f.store.updateBatch(BatchID("b-1")!, kind: .recalled, actor: "regulator") { b in
            b.recall = Recall(reason: "超标", by: "regulator", at: 4_000)
            b.updatedAt = 4_000
        }
        let stored = try #require(try f.store.batch(BatchID("b-1")!))
        #expect(stored.recall?.reason == "超标" && stored.inspection?.passed == false)
        let history = try f.store.batchHistory(BatchID("b-1")!)
        #expect(history.map(\.kind) == [.created, .reinspected, .recalled])
        #expect(history.map(\.actor) == ["clerk", "tester", "regulator"])
        #expect(history[0].batch.inspection?.passed == true, "the history keeps the batch as it was")
        #expect(try f.store.batch(gtin: "06901234567892", lot: "L1")?.id == BatchID("b-1"))
        #expect(throws: BatchWriteError.notFound(BatchID("nope")!)) {
            try f.store.updateBatch(BatchID("nope")!, kind: .recalled, actor: "x") { _ in }
        }
    }

    @Test(arguments: StoreBackend.allCases) func ticketsAreCommittedBeforeTheirCallbackAndStoredOnce(_ backend: StoreBackend) throws {
        var options = BatchWriter.Options()
        options.maxDelay = .seconds(30)  // only urgency can commit in time
        let f = try WriterFixture(backend, options: options)
        defer { f.writer.stop() }
        try f.store.createBatch(Self.batch(), actor: "clerk")
        let seenInCallback = Mutex<[Bool]>([])
        let ignored = Mutex<[Bool]>([])
        for (id, req) in [(1, "r-1"), (2, "r-2"), (3, "r-1")] as [(UInt64, String)] {
            let store = f.store
            try f.writer.submitUrgent([.ticket(Self.ticket(id: id, req: req))]) { stats in
                let stored = (try? store.ticket(scale: Self.scale, req: req)) != nil
                seenInCallback.withLock { $0.append(stored) }
                ignored.withLock { $0.append(stats.ticketsIgnored.contains(id)) }
            }
        }
        #expect(eventually(timeout: .seconds(5)) { seenInCallback.withLock { $0.count } == 3 })
        #expect(seenInCallback.withLock { $0 } == [true, true, true], "each callback runs after its ticket is durable")
        #expect(ignored.withLock { $0 } == [false, false, true], "the retried req is reported as already stored")
        #expect(try f.store.tickets(batch: BatchID("b-1")!).map(\.id) == [1, 2], "(scale, req) is unique: r-1 kept once")
        #expect(try f.store.ticket(id: 2)?.req == "r-2")
        let sales = try f.store.sales(batch: BatchID("b-1")!)
        #expect(sales == [StallSales(stall: "A12", tickets: 2, grams: 2500, totalFen: 1700)])
    }

    /// The legal floor is `RetentionRules` (KitchenRulesTests); storage deletes by the days it is given.
    @Test(arguments: StoreBackend.allCases) func retentionDropsMarketRecordsOlderThanThePolicy(_ backend: StoreBackend) throws {
        #expect(RetentionPolicy(traceabilityDays: 30).traceabilityDays == 30)
        let f = try WriterFixture(backend)
        defer { f.writer.stop() }
        let day: EpochMillis = 86_400_000
        let now: EpochMillis = 400 * day
        try f.store.createBatch(Self.batch("old", at: now - 200 * day), actor: "clerk")
        try f.store.createBatch(Self.batch("recent", at: now - 100 * day), actor: "clerk")
        try f.writer.submitAndWait([.ticket(Self.ticket(id: 7, req: "a", batch: "old", at: now - 190 * day)),
                                    .ticket(Self.ticket(id: 8, req: "b", batch: "recent", at: now - 100 * day))])
        let result = try f.store.applyRetention(RetentionPolicy(traceabilityDays: 183), now: now)
        #expect(result.ticketsDeleted == 1 && result.batchesDeleted == 1)
        #expect(try f.store.batch(BatchID("old")!) == nil && f.store.batch(BatchID("recent")!) != nil)
        #expect(try f.store.batchHistory(BatchID("old")!).isEmpty)
    }
}
