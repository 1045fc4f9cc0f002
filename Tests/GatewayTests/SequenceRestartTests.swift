import Foundation
import Gateway
import KitchenModel
import Logging
import Storage
import StorageModel
import TestSupport
import Testing

/// Issue 13 item 4: the SequenceTracker's memory of the previous boot is durable. A device that
/// reconnects sends its retained `state` (new boot) before its birth; a gateway restarted in
/// between used to forget what the previous boot delivered, so the birth's `next_seq` revealed
/// nothing and the previous boot's lost tail was never asked for nor counted.
@Suite struct SequenceRestartTests {
    let canteen = SiteID("canteen-01")!
    var fridge: DeviceKey { DeviceKey(site: canteen, device: DeviceID("fridge-1")!) }
    let t0: EpochMillis = 1_795_276_800_000

    func registry() throws -> Registry {
        try Registry(sites: [SiteConfig(id: canteen, name: "Canteen", kind: .canteen, region: RegionCode("420106")!)],
                     devices: [DeviceConfig(key: fridge, kind: .thermo, zone: .cold, intervalSeconds: 60)])
    }

    func telemetry(_ seq: Int64, at time: EpochMillis) -> DeviceMessage {
        DeviceMessage(key: fridge, receivedAt: time, sequence: SequenceStamp(seq: seq, deviceTime: time - 20),
                      payload: .telemetry(.thermo(ThermoReading(celsius: 3))))
    }

    func birth(boot: Int64, nextSeq: Int64?, at time: EpochMillis) -> DeviceMessage {
        DeviceMessage(key: fridge, receivedAt: time, payload: .birth(Birth(
            kind: .thermo, model: "T1", firmware: "1.0", boot: boot, intervalSeconds: 60, replayBuffer: 100, nextSeq: nextSeq)))
    }

    @Test func aRestartBetweenStateAndBirthStillAsksForThePreviousBootsTail() throws {
        let dir = TemporaryDirectory("bk-seq-restart")
        let store = try Store(path: dir.file("bk.sqlite"))
        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        let first = StateModel(registry: try registry(), restoring: [], startedAt: t0)
        var writes: [WriteItem] = []
        writes += first.apply(birth(boot: 2, nextSeq: 1, at: t0)).writes
        for seq: Int64 in 1...5 { writes += first.apply(telemetry(seq, at: t0 + seq)).writes }
        // Seqs 6...8 are sent and lost (a crashed broker); the device reconnects with boot 3 and its
        // retained state arrives first. Then the gateway is killed.
        writes += first.apply(DeviceMessage(key: fridge, receivedAt: t0 + 100,
                                            payload: .state(Presence(online: true, boot: 3)))).writes
        try writer.submitAndWait(writes)
        writer.stop()

        let restored = try Store(path: dir.file("bk.sqlite")).loadDeviceSnapshots()
        let snapshot = try #require(restored.first)
        #expect(snapshot.boot == 3 && snapshot.lastSeq == nil)
        #expect(snapshot.previousBoot == 2 && snapshot.previousLastSeq == 5, "the previous boot is on disk")

        let restarted = StateModel(registry: try registry(), restoring: restored, startedAt: t0 + 200)
        let effects = restarted.apply(birth(boot: 3, nextSeq: 9, at: t0 + 300))
        #expect(effects.commands.map(\.1).contains(.replay(fromSeq: 6, boot: 2, toSeq: 8)),
                "the lost tail 6...8 of boot 2 is asked for after the restart: \(effects.commands)")
        let gaps = try #require(restarted.deviceState(fridge)?.tracker.gaps)
        #expect(gaps.contains { $0.boot == 2 && $0.first == 6 && $0.last == 8 })
    }

    /// Cluster chaos run 6, through the state model: boot 2's connection died before its birth got
    /// through, its Will arrived, then boot 3's birth. Every boot the lost range may carry is asked.
    @Test func aWillOfABootWithoutBirthStillLetsTheNextBirthAskForTheLoss() throws {
        let model = StateModel(registry: try registry(), restoring: [], startedAt: t0)
        _ = model.apply(birth(boot: 1, nextSeq: 1, at: t0))
        for seq: Int64 in 1...5 { _ = model.apply(telemetry(seq, at: t0 + seq)) }
        _ = model.apply(DeviceMessage(key: fridge, receivedAt: t0 + 100, payload: .state(Presence(online: false, boot: 2))))
        let effects = model.apply(birth(boot: 3, nextSeq: 12, at: t0 + 200))
        #expect(effects.commands.map(\.1) == [.replay(fromSeq: 6, boot: 1, toSeq: 11), .replay(fromSeq: 6, boot: 2, toSeq: 11),
                                                 .replay(fromSeq: 6, boot: nil, toSeq: 11)],
                "\(effects.commands)")
        let replayed = DeviceMessage(key: fridge, receivedAt: t0 + 300, sequence: SequenceStamp(seq: 9, deviceTime: t0 + 90, boot: 2),
                                     payload: .telemetry(.thermo(ThermoReading(celsius: 3))))
        #expect(model.apply(replayed).outcome == .accepted, "a message of boot 2 fills the gap")
    }
}
