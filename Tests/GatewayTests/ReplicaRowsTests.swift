@testable import Gateway
import KitchenModel
import KitchenRules
import StorageModel
import Testing

/// How a web replica merges the rows changed since its last read (docs/scale-out.md, "Web replicas").
@Suite struct ReplicaRowsTests {
    let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
    let freezer = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("freezer-1")!)

    func snapshot(_ key: DeviceKey, lost: Int64 = 0) -> DeviceSnapshot {
        var s = DeviceSnapshot(key: key)
        s.lostCount = lost
        return s
    }

    func alarm(_ id: String, _ state: AlarmState) -> AlarmRow {
        let record = AlarmLifecycle().raise(AlarmSignal(.raise, .offline, device: fridge, at: 1_000,
                                                        detail: AlarmDetail(message: "离线", messageEN: "offline")),
                                            id: id).record
        return AlarmRow(id: id, identity: "\(fridge)/offline/", site: fridge.site, region: "420106", device: "fridge-1",
                        kind: .offline, riskClass: nil, state: state, card: .none, raisedAt: 1_000, updatedAt: 1_000,
                        recordJSON: record.storedJSON)
    }

    @Test func changedDevicesAreMergedAndACompleteReadReplacesThem() {
        var rows = ReplicaRows()
        #expect(rows.needsComplete(every: .seconds(60)), "the first read takes every row")
        let first = rows.apply(devices: Changes(rows: [snapshot(fridge), snapshot(freezer)], mark: ChangeMark(10), complete: true))
        let none = rows.apply(devices: Changes(rows: [], mark: ChangeMark(11), complete: false))
        let one = rows.apply(devices: Changes(rows: [snapshot(freezer, lost: 2)], mark: ChangeMark(12), complete: false))
        #expect(first && !none && one, "only a read that brought rows changed anything")
        #expect(rows.devices.count == 2 && rows.devices[freezer]?.lostCount == 2 && rows.deviceMark == ChangeMark(12))
        // A device whose row was deleted leaves with the next complete read.
        _ = rows.apply(devices: Changes(rows: [snapshot(fridge)], mark: ChangeMark(13), complete: true))
        #expect(Array(rows.devices.keys) == [fridge])
    }

    @Test func anAlarmClosedSinceTheLastReadLeaves() {
        var rows = ReplicaRows()
        _ = rows.apply(alarms: Changes(rows: [alarm("al_a", .raised), alarm("al_b", .raised)], mark: ChangeMark(5), complete: true))
        #expect(Set(rows.alarms.keys) == ["al_a", "al_b"])
        _ = rows.apply(alarms: Changes(rows: [alarm("al_a", .acknowledged), alarm("al_b", .closed)], mark: ChangeMark(6),
                                       complete: false))
        #expect(Array(rows.alarms.keys) == ["al_a"] && rows.alarms["al_a"] != nil)
    }

    @Test func aCompleteReadIsDueEveryIntervalAndWithoutMarks() {
        var rows = ReplicaRows()
        let start = ContinuousClock.now
        rows.deviceMark = ChangeMark(1)
        rows.alarmMark = ChangeMark(1)
        rows.completeAt = start
        #expect(!rows.needsComplete(every: .seconds(60), now: start + .seconds(59)))
        #expect(rows.needsComplete(every: .seconds(60), now: start + .seconds(60)))
        rows.alarmMark = nil  // a store that cannot tell changes apart
        #expect(rows.needsComplete(every: .seconds(60), now: start + .seconds(1)))
    }
}
