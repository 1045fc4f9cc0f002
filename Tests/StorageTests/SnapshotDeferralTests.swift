import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing

/// Device snapshots that only move a device's progress wait (BatchWriter.Options.snapshotInterval);
/// everything a restart needs is still durable with the reading that caused it.
@Suite struct SnapshotDeferralTests {
    private func snapshot(seq: Int64, seen: EpochMillis, gaps: [SeqGap] = []) -> DeviceSnapshot {
        var s = DeviceSnapshot(key: fridge)
        s.kind = .thermo
        s.boot = 1
        s.lastSeq = seq
        s.online = true
        s.lastSeen = seen
        s.gaps = gaps
        return s
    }

    /// What a restarted gateway would load, read through a second connection while the writer runs.
    private func restored(_ f: WriterFixture) throws -> DeviceSnapshot {
        try #require(try f.reopen().loadDeviceSnapshots().first { $0.key == fridge })
    }

    private func fixture(_ backend: StoreBackend, interval: Duration) throws -> WriterFixture {
        var options = BatchWriter.Options()
        options.snapshotInterval = interval
        return try WriterFixture(backend, options: options)
    }

    @Test(arguments: StoreBackend.allCases) func progressWaitsAndARestartTakesTheLastSeqFromTheReadings(_ backend: StoreBackend) throws {
        let f = try fixture(backend, interval: .seconds(60))
        defer { f.writer.stop() }
        try f.writer.submitAndWait([thermo(1, t: 3), .device(snapshot(seq: 1, seen: hourStart))])
        try f.writer.submitAndWait([thermo(2, t: 3), thermo(3, t: 3), .device(snapshot(seq: 3, seen: hourStart + 2))])
        let afterCrash = try restored(f)
        #expect(afterCrash.lastSeen == hourStart, "the progress-only snapshot waits")
        #expect(afterCrash.lastSeq == 3, "the last seq of the boot comes from the committed readings")
    }

    @Test(arguments: StoreBackend.allCases) func aGapIsWrittenWithTheReadingThatOpenedIt(_ backend: StoreBackend) throws {
        let f = try fixture(backend, interval: .seconds(60))
        defer { f.writer.stop() }
        try f.writer.submitAndWait([thermo(1, t: 3), .device(snapshot(seq: 1, seen: hourStart))])
        let gap = SeqGap(boot: 1, first: 2, last: 4, openedAt: hourStart + 5)
        try f.writer.submitAndWait([thermo(5, t: 3), .device(snapshot(seq: 5, seen: hourStart + 5, gaps: [gap]))])
        let afterCrash = try restored(f)
        #expect(afterCrash.gaps == [gap])
        #expect(afterCrash.lastSeen == hourStart + 5)
        #expect(afterCrash.lastSeq == 5)
    }

    @Test(arguments: StoreBackend.allCases) func anEventsSnapshotGoesInWithItAndReplacesAWaitingOne(_ backend: StoreBackend) throws {
        let f = try fixture(backend, interval: .seconds(60))
        defer { f.writer.stop() }
        try f.writer.submitAndWait([thermo(1, t: 3), .device(snapshot(seq: 1, seen: hourStart))])
        try f.writer.submitAndWait([thermo(2, t: 3), .device(snapshot(seq: 2, seen: hourStart + 1))])
        let run = EventRecord(key: fridge, boot: 1, seq: 3, deviceTime: hourStart + 2, receivedAt: hourStart + 2,
                              type: "run", json: "{}")
        try f.writer.submitAndWait([.event(run), .device(snapshot(seq: 3, seen: hourStart + 2))])
        #expect(try restored(f).lastSeq == 3, "an event's seq is not in the readings: its snapshot cannot wait")
        try f.writer.flush()
        #expect(try restored(f).lastSeen == hourStart + 2, "the older waiting snapshot was dropped, not written later")
    }

    @Test(arguments: StoreBackend.allCases) func aWaitingSnapshotIsWrittenWhenDueWithNothingElseArriving(_ backend: StoreBackend) throws {
        let f = try fixture(backend, interval: .milliseconds(200))
        defer { f.writer.stop() }
        try f.writer.submitAndWait([thermo(1, t: 3), .device(snapshot(seq: 1, seen: hourStart))])
        try f.writer.submit([thermo(2, t: 3), .device(snapshot(seq: 2, seen: hourStart + 1))])
        #expect(eventually(timeout: .seconds(5)) { (try? restored(f).lastSeen) == hourStart + 1 })
    }

    @Test(arguments: StoreBackend.allCases) func flushAndStopWriteWaitingSnapshots(_ backend: StoreBackend) throws {
        let f = try fixture(backend, interval: .seconds(60))
        try f.writer.submitAndWait([thermo(1, t: 3), .device(snapshot(seq: 1, seen: hourStart))])
        try f.writer.submitAndWait([thermo(2, t: 3), .device(snapshot(seq: 2, seen: hourStart + 1))])
        #expect(try restored(f).lastSeen == hourStart)
        try f.writer.flush()
        #expect(try restored(f).lastSeen == hourStart + 1)

        try f.writer.submitAndWait([thermo(3, t: 3), .device(snapshot(seq: 3, seen: hourStart + 2))])
        #expect(try restored(f).lastSeen == hourStart + 1)
        f.writer.stop()
        #expect(try restored(f).lastSeen == hourStart + 2)
    }

    @Test(arguments: StoreBackend.allCases) func flushWithNothingQueuedReturns(_ backend: StoreBackend) throws {
        let f = try fixture(backend, interval: .seconds(60))
        defer { f.writer.stop() }
        try f.writer.flush()
        try f.writer.flush()
    }
}

/// The thermometer's `last_reading` text is written by hand; it must read back as the encoder's.
@Suite struct ThermoReadingTextTests {
    @Test(arguments: StoreBackend.allCases) func everyCombinationReadsBackAsWritten(_ backend: StoreBackend) throws {
        let values: [Double?] = [nil, 3.5, -18.25, 0, 93, 1e-5]
        for t in values {
            for rh in values {
                for bat in [nil, 93.0] {
                    let reading = ThermoReading(celsius: t, humidity: rh, battery: bat)
                    var s = DeviceSnapshot(key: fridge)
                    s.boot = 1
                    s.lastReading = StoredReading(seq: nil, deviceTime: hourStart, receivedAt: hourStart,
                                                  readings: .thermo(reading))
                    let f = try WriterFixture(backend)
                    try f.writer.submitAndWait([.device(s)])
                    f.writer.stop()
                    let back = try #require(try f.store.loadDeviceSnapshots().first?.lastReading)
                    #expect(back.readings == .thermo(reading), "\(reading)")
                }
            }
        }
    }
}
