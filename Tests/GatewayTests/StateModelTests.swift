import Gateway
import KitchenModel
import Storage
import StorageModel
import Testing

private let canteen = SiteID("canteen-01")!
private let fridgeKey = DeviceKey(site: canteen, device: DeviceID("fridge-1")!)
private let t0: EpochMillis = 1_795_276_800_000

private func registry() throws -> Registry {
    try Registry(
        sites: [SiteConfig(id: canteen, name: "Canteen", kind: .canteen, region: RegionCode("420106")!)],
        devices: [DeviceConfig(key: fridgeKey, kind: .thermo, zone: .cold, intervalSeconds: 60)])
}

private func birth(boot: Int64, at time: EpochMillis = t0, key: DeviceKey = fridgeKey, kind: DeviceKind = .thermo)
    -> DeviceMessage
{
    DeviceMessage(key: key, receivedAt: time, payload: .birth(Birth(
        kind: kind, model: "T1", firmware: "1.0", boot: boot, intervalSeconds: 60, replayBuffer: 100)))
}

private func telemetry(_ seq: Int64, t: Double = 3.0, at time: EpochMillis = t0, boot: Int64? = nil) -> DeviceMessage {
    DeviceMessage(key: fridgeKey, receivedAt: time, sequence: SequenceStamp(seq: seq, deviceTime: time - 20, boot: boot),
                  payload: .telemetry(.thermo(ThermoReading(celsius: t))))
}

private func presence(_ online: Bool, boot: Int64, at time: EpochMillis = t0) -> DeviceMessage {
    DeviceMessage(key: fridgeKey, receivedAt: time, payload: .state(Presence(online: online, boot: boot)))
}

private func readings(_ effects: IngestEffects) -> [Int64] {
    effects.writes.compactMap { if case .reading(let r) = $0 { r.seq } else { nil } }
}

@Suite struct StateModelTests {
    let admin = Principal(role: .admin)

    @Test func birthBringsADeviceOnlineDurably() throws {
        let model = StateModel(registry: try registry(), restoring: [], startedAt: t0)
        let effects = model.apply(birth(boot: 3))
        #expect(effects.outcome == .accepted)
        #expect(effects.durable)
        let device = try #require(model.deviceState(fridgeKey))
        #expect(device.online)
        #expect(device.tracker.boot == 3)
        #expect(device.replayBuffer == 100)
    }

    @Test func aWillFromAnOlderBootIsIgnored() throws {
        let model = StateModel(registry: try registry(), restoring: [], startedAt: t0)
        _ = model.apply(presence(true, boot: 2))
        #expect(model.apply(presence(false, boot: 1)).outcome == .staleBoot)
        #expect(model.deviceState(fridgeKey)?.online == true)
        #expect(model.apply(presence(false, boot: 2)).outcome == .accepted)
        #expect(model.deviceState(fridgeKey)?.online == false)
    }

    @Test func telemetryIsStoredOnceAndGapsAskForReplay() throws {
        let model = StateModel(registry: try registry(), restoring: [], startedAt: t0)
        _ = model.apply(birth(boot: 1))
        #expect(readings(model.apply(telemetry(1))) == [1])
        #expect(model.apply(telemetry(1)).outcome == .duplicate)
        let jump = model.apply(telemetry(5, at: t0 + 10))
        #expect(readings(jump) == [5])
        #expect(!jump.durable)
        #expect(jump.commands.map(\.1) == [.replay(fromSeq: 2, boot: nil, toSeq: 4)], "only the gap, not everything since")
        for seq: Int64 in [2, 3, 4] { #expect(readings(model.apply(telemetry(seq, at: t0 + 20))) == [seq]) }
        #expect(model.deviceState(fridgeKey)?.tracker.gaps.isEmpty == true)
    }

    @Test func aReplayedOldSampleDoesNotReplaceTheLatestReading() throws {
        let model = StateModel(registry: try registry(), restoring: [], startedAt: t0)
        _ = model.apply(birth(boot: 1))
        _ = model.apply(telemetry(1, t: 3.0, at: t0))
        _ = model.apply(telemetry(3, t: 5.0, at: t0 + 60_000))
        _ = model.apply(telemetry(2, t: 4.0, at: t0 + 30_000))
        #expect(model.deviceState(fridgeKey)?.lastReading?.readings == .thermo(ThermoReading(celsius: 5.0)))
    }

    /// A fridge whose seq 2...3 went missing at `t0` (the first replay request then), on a model
    /// that waits 1 s for a replay and gives up after `attempts` requests.
    private func modelMissingTwo(attempts: Int) throws -> StateModel {
        var options = StateModel.Options()
        options.replayRetryMillis = 1_000
        options.replayAttempts = attempts
        let model = StateModel(registry: try registry(), restoring: [], startedAt: t0, options: options)
        _ = model.apply(birth(boot: 1))
        _ = model.apply(telemetry(1))
        _ = model.apply(telemetry(4))
        return model
    }

    @Test func unansweredReplaysEndInRebirthAndCountLoss() throws {
        let model = try modelMissingTwo(attempts: 2)
        #expect(model.tick(now: t0 + 500).commands.isEmpty)  // too early to ask again
        #expect(model.tick(now: t0 + 1_000).commands.map(\.1) == [.replay(fromSeq: 2, boot: nil, toSeq: 3)])
        #expect(model.tick(now: t0 + 2_500).commands.isEmpty)  // the wait doubled after the second request
        let giveUp = model.tick(now: t0 + 3_000)
        #expect(giveUp.commands.map(\.1) == [.rebirth])
        #expect(giveUp.lost == 2)
        #expect(model.deviceState(fridgeKey)?.lostCount == 2)
        #expect(model.tick(now: t0 + 4_000).commands.isEmpty)
    }

    @Test func theWaitForAReplayDoublesUpToEightTimes() {
        let options = StateModel.Options()
        #expect((0...6).map { options.replayWait(afterAttempts: $0) }
            == [10_000, 10_000, 20_000, 40_000, 80_000, 80_000, 80_000])
    }

    @Test func aMessageGivenUpAsLostThatComesAfterAllIsStoredAndCountedBack() throws {
        let model = try modelMissingTwo(attempts: 1)
        #expect(model.tick(now: t0 + 1_000).lost == 2)  // given up
        #expect(model.deviceState(fridgeKey)?.lostCount == 2)
        // The broker was behind: the replay comes after all.
        let late = model.apply(telemetry(3, t: 4.5, at: t0 + 5_000))
        #expect(late.outcome == .accepted)
        #expect(late.recovered)
        #expect(late.writes.contains { if case .reading(let r) = $0 { r.seq == 3 } else { false } })
        #expect(model.deviceState(fridgeKey)?.lostCount == 1)
        // Once only: the same number again is a duplicate.
        #expect(model.apply(telemetry(3, t: 4.5, at: t0 + 6_000)).outcome == .duplicate)
        #expect(model.deviceState(fridgeKey)?.lostCount == 1)
    }

    @Test func restoredStateIsStaleAndKeepsItsSequence() throws {
        let first = StateModel(registry: try registry(), restoring: [], startedAt: t0)
        _ = first.apply(birth(boot: 2))
        let last = first.apply(telemetry(7))
        let snapshot = try #require(last.writes.compactMap { if case .device(let s) = $0 { s } else { nil } }.last)

        let restarted = StateModel(registry: try registry(), restoring: [snapshot], startedAt: t0 + 60_000)
        let view = try #require(restarted.siteView(canteen, visibleTo: admin, now: t0 + 61_000))
        #expect(view.deviceList.first?.stale == true)
        #expect(view.site.devices.stale == 1)
        #expect(restarted.apply(telemetry(7, at: t0 + 62_000)).outcome == .duplicate)
        #expect(readings(restarted.apply(telemetry(8, at: t0 + 63_000))) == [8])
        let fresh = try #require(restarted.siteView(canteen, visibleTo: admin, now: t0 + 64_000))
        #expect(fresh.deviceList.first?.stale == false)
    }

    @Test func silentDevicesAreCounted() throws {
        let model = StateModel(registry: try registry(), restoring: [], startedAt: t0)
        _ = model.apply(birth(boot: 1))
        let soon = try #require(model.siteSummaries(visibleTo: admin, now: t0 + 60_000).first)
        #expect(soon.devices.online == 1)
        #expect(soon.devices.silent == 0)
        let later = try #require(model.siteSummaries(visibleTo: admin, now: t0 + 181_000).first)
        #expect(later.devices.silent == 1)
    }

    @Test func scopesHideOtherRegions() throws {
        let model = StateModel(registry: try registry(), restoring: [], startedAt: t0)
        #expect(model.siteSummaries(visibleTo: Principal(role: .regulator, scope: "4201"), now: t0).count == 1)
        #expect(model.siteSummaries(visibleTo: Principal(role: .regulator, scope: "4202"), now: t0).isEmpty)
        #expect(model.siteView(canteen, visibleTo: Principal(role: .site, scope: "other"), now: t0) == nil)
    }

    @Test func provisioningAcceptsNewDevicesOnKnownSites() throws {
        var options = StateModel.Options()
        options.provisioning = true
        let model = StateModel(registry: try registry(), restoring: [], startedAt: t0, options: options)
        let newcomer = DeviceKey(site: canteen, device: DeviceID("uv-9")!)
        let effects = model.apply(birth(boot: 1, key: newcomer, kind: .disinfector))
        #expect(effects.provisioned?.kind == .disinfector)
        #expect(model.lookup(newcomer) == .known(.disinfector))
        // A reloaded registry file does not forget it.
        model.replaceRegistry(try registry())
        #expect(model.lookup(newcomer) == .known(.disinfector))
    }

    @Test func reloadKeepsStateAndDropsRemovedDevices() throws {
        let model = StateModel(registry: try registry(), restoring: [], startedAt: t0)
        _ = model.apply(birth(boot: 4))
        model.replaceRegistry(try Registry(sites: try registry().sites.values.map { $0 }, devices: []))
        #expect(model.lookup(fridgeKey) == .unknownDevice)
        model.replaceRegistry(try registry())
        #expect(model.deviceState(fridgeKey)?.tracker.boot == 4)
    }
}
