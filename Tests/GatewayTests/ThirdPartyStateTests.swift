import Gateway
import KitchenModel
import Storage
import StorageModel
import Testing

/// `StateModel.applyAdapted`: the gateway numbers third-party messages itself and never asks
/// those devices for anything.
@Suite struct ThirdPartyStateTests {
    let site = SiteID("canteen-01")!
    let t0: EpochMillis = 1_795_276_800_000
    var key: DeviceKey { DeviceKey(site: site, device: DeviceID("fridge-1")!) }

    func model(restoring snapshots: [DeviceSnapshot] = []) throws -> StateModel {
        let source = try DeviceSource(family: "tasmota", id: "kitchen-th1")
        let registry = try Registry(
            sites: [SiteConfig(id: site, name: "Canteen", kind: .canteen, region: RegionCode("420106")!)],
            devices: [DeviceConfig(key: key, kind: .thermo, zone: .cold, intervalSeconds: 300, source: source)])
        return StateModel(registry: registry, restoring: snapshots, startedAt: t0)
    }

    func reading(_ celsius: Double, at time: EpochMillis) -> DeviceMessage {
        DeviceMessage(key: key, receivedAt: time, payload: .telemetry(.thermo(ThermoReading(celsius: celsius))))
    }

    func storedSeqs(_ effects: IngestEffects) -> [Int64] {
        effects.writes.compactMap { if case .reading(let r) = $0 { r.seq } else { nil } }
    }

    @Test func numbersReadingsFromTheLastStoredSeq() throws {
        let model = try model()
        let (first, firstEffects) = model.applyAdapted(reading(3, at: t0), deviceTime: nil)
        #expect(first.sequence == SequenceStamp(seq: 1, deviceTime: t0, boot: 0), "receive time stands in")
        #expect(storedSeqs(firstEffects) == [1])
        let (second, _) = model.applyAdapted(reading(4, at: t0 + 1_000), deviceTime: t0 + 900)
        #expect(second.sequence == SequenceStamp(seq: 2, deviceTime: t0 + 900, boot: 0), "a trusted device time is kept")
        #expect(model.deviceState(key)?.online == true, "a reading is a sign of life")

        // Restarted from its snapshot, numbering carries on instead of overwriting seq 1.
        var snapshot = DeviceSnapshot(key: key)
        snapshot.boot = 0
        snapshot.lastSeq = 2
        let restarted = try self.model(restoring: [snapshot])
        let (third, thirdEffects) = restarted.applyAdapted(reading(5, at: t0 + 5_000), deviceTime: nil)
        #expect(third.sequence?.seq == 3)
        #expect(storedSeqs(thirdEffects) == [3])
    }

    @Test func availabilityIsPresenceInTheDevicesCurrentBoot() throws {
        let model = try model()
        _ = model.apply(DeviceMessage(key: key, receivedAt: t0, sequence: SequenceStamp(seq: 7, deviceTime: t0, boot: 4),
                                      payload: .telemetry(.thermo(ThermoReading(celsius: 3)))))
        let (offline, effects) = model.applyAdapted(
            DeviceMessage(key: key, receivedAt: t0 + 10, payload: .state(Presence(online: false, boot: 0))), deviceTime: nil)
        #expect(effects.outcome == .accepted, "boot 0 from an adapter is not a stale Will")
        #expect(offline.payload == .state(Presence(online: false, boot: 4)))
        #expect(model.deviceState(key)?.online == false)
    }

    @Test func neverSendsCommandsToAThirdPartyDevice() throws {
        let model = try model()
        _ = model.applyAdapted(reading(3, at: t0), deviceTime: nil)
        // Something publishes sequenced messages with a hole on the device's bk/v1 topic.
        let native = { (seq: Int64, at: EpochMillis) in
            DeviceMessage(key: self.key, receivedAt: at, sequence: SequenceStamp(seq: seq, deviceTime: at),
                          payload: .telemetry(.thermo(ThermoReading(celsius: 3))))
        }
        let gapEffects = model.apply(native(10, t0 + 1_000))
        #expect(gapEffects.outcome == .accepted)
        #expect(gapEffects.commands.isEmpty, "no replay request")
        for second in 1...60 {
            #expect(model.tick(now: t0 + Int64(second) * 1_000).commands.isEmpty, "no replay retry, no rebirth")
        }
    }

    @Test func aMessageForAnUnboundDeviceIsNotApplied() throws {
        let model = try model()
        let stranger = DeviceMessage(key: DeviceKey(site: site, device: DeviceID("nobody")!), receivedAt: t0,
                                     payload: .telemetry(.thermo(ThermoReading(celsius: 3))))
        let (_, effects) = model.applyAdapted(stranger, deviceTime: nil)
        #expect(effects.outcome == .staleBoot)
        #expect(effects.writes.isEmpty)
    }
}
