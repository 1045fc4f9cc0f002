import KitchenModel
import Logging
import Storage
import StorageModel
import TestSupport
import Testing

@Suite struct BatchWriterTests {
    @Test(arguments: StoreBackend.allCases) func commitsWithinTheBatchDelay(_ backend: StoreBackend) throws {
        var options = BatchWriter.Options()
        options.maxDelay = .milliseconds(50)
        let f = try WriterFixture(backend, options: options)
        defer { f.writer.stop() }
        try f.writer.submit([thermo(1, t: 3.0)])
        #expect(eventually(timeout: .seconds(2)) { (try? f.store.counts().readings) == 1 })
    }

    @Test(arguments: StoreBackend.allCases) func submitAndWaitReturnsOnlyOnceCommitted(_ backend: StoreBackend) throws {
        var options = BatchWriter.Options()
        options.maxDelay = .seconds(30)  // only the urgent flag can make this commit in time
        let f = try WriterFixture(backend, options: options)
        defer { f.writer.stop() }
        try f.writer.submit([thermo(1, t: 3.0)])
        try f.writer.submitAndWait([thermo(2, t: 3.1)])
        #expect(try f.store.counts().readings == 2)
    }

    @Test(arguments: StoreBackend.allCases) func ignoresRowsItAlreadyHas(_ backend: StoreBackend) throws {
        let f = try WriterFixture(backend)
        defer { f.writer.stop() }
        try f.writer.submitAndWait([thermo(1, t: 3.0), thermo(2, t: 4.0)])
        try f.writer.submitAndWait([thermo(2, t: 99.0), thermo(3, t: 5.0)])
        let rows = try f.store.readings(of: fridge)
        #expect(rows.map(\.seq) == [1, 2, 3])
        #expect(rows[1].readings == .thermo(ThermoReading(celsius: 4.0, humidity: 60, battery: 90)))
    }

    @Test(arguments: StoreBackend.allCases) func rollsUpHoursOnceEvenWhenRedelivered(_ backend: StoreBackend) throws {
        let f = try WriterFixture(backend)
        defer { f.writer.stop() }
        try f.writer.submitAndWait([thermo(1, t: 2.0), thermo(2, t: 6.0, at: hourStart + 60_000)])
        try f.writer.submitAndWait([thermo(2, t: 6.0, at: hourStart + 60_000), thermo(3, t: 4.0, at: hourStart + 120_000)])
        try f.writer.submitAndWait([thermo(4, t: 10.0, at: hourStart + 3_600_000)])
        let hours = try f.store.rollups(of: fridge, metric: "t", since: hourStart)
        #expect(hours.count == 2)
        #expect(hours[0].count == 3)
        #expect(hours[0].min == 2.0)
        #expect(hours[0].max == 6.0)
        #expect(hours[0].average == 4.0)
        #expect(hours[1].count == 1)
    }

    @Test(arguments: StoreBackend.allCases) func snapshotsRoundTripWithGaps(_ backend: StoreBackend) throws {
        let f = try WriterFixture(backend)
        var snapshot = DeviceSnapshot(key: fridge)
        snapshot.kind = .thermo
        snapshot.boot = 7
        snapshot.lastSeq = 120
        snapshot.online = true
        snapshot.lastSeen = hourStart
        snapshot.intervalSeconds = 30
        snapshot.lostCount = 2
        snapshot.gaps = [SeqGap(boot: 7, first: 100, last: 110, openedAt: hourStart)]
        snapshot.lastReading = StoredReading(seq: nil, deviceTime: hourStart, receivedAt: hourStart + 5,
                                             readings: .thermo(ThermoReading(celsius: 3.5)))
        try f.writer.submitAndWait([.device(snapshot)])
        f.writer.stop()

        let reopened = try f.reopen()
        let restored = try #require(try reopened.loadDeviceSnapshots().first)
        #expect(restored == snapshot)
    }

    @Test(arguments: StoreBackend.allCases) func closedGapsDisappearAcrossWritersAndRestarts(_ backend: StoreBackend) throws {
        let f = try WriterFixture(backend)
        var snapshot = DeviceSnapshot(key: fridge)
        snapshot.boot = 7
        snapshot.gaps = [SeqGap(boot: 7, first: 100, last: 110, openedAt: hourStart)]
        try f.writer.submitAndWait([.device(snapshot)])
        f.writer.stop()
        // A new writer (a restarted gateway) must still clear the rows it did not write itself.
        let second = BatchWriter(store: f.store, logger: Logger(label: "test"))
        second.start()
        snapshot.gaps = []
        snapshot.lastSeq = 111
        try second.submitAndWait([.device(snapshot)])
        second.stop()
        let restored = try #require(try f.reopen().loadDeviceSnapshots().first)
        #expect(restored.gaps.isEmpty && restored.lastSeq == 111)
    }

    @Test(arguments: StoreBackend.allCases) func keepsOnlyTheNewestRejects(_ backend: StoreBackend) throws {
        var options = BatchWriter.Options()
        options.maxRejects = 10
        let f = try WriterFixture(backend, options: options)
        defer { f.writer.stop() }
        let rejects = (0..<25).map { i in
            WriteItem.reject(RejectRecord(at: hourStart + Int64(i), reason: "bad_json", topic: "bk/v1/a/b/telemetry",
                                          message: "reject \(i)", payload: Array(repeating: 0x41, count: 2_000)))
        }
        try f.writer.submitAndWait(rejects)
        let kept = try f.store.rejects(limit: 100)
        #expect(kept.count == 10)
        #expect(kept.first?.record.message == "reject 24")
        #expect(kept.first?.record.payloadSize == 2_000)
        #expect(kept.first?.record.payloadPrefix.count == RejectRecord.keptPayloadBytes)
    }

    @Test(arguments: StoreBackend.allCases) func blocksSubmittersWhenFullInsteadOfGrowing(_ backend: StoreBackend) throws {
        var options = BatchWriter.Options()
        options.capacity = 100
        options.maxBatch = 100
        let f = try WriterFixture(backend, options: options)
        defer { f.writer.stop() }
        for seq in 1...2_000 { try f.writer.submit([thermo(Int64(seq), t: 3.0)]) }
        #expect(f.writer.queued <= 100)
        try f.writer.flush()
        #expect(try f.store.counts().readings == 2_000)
    }

    @Test(arguments: StoreBackend.allCases) func refusesWritesAfterStop(_ backend: StoreBackend) throws {
        let f = try WriterFixture(backend)
        f.writer.stop()
        #expect(throws: BatchWriter.StoppedError.self) { try f.writer.submit([thermo(1, t: 3)]) }
    }
}
