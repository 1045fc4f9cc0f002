import Foundation
import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing

private let cam = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-1")!)
private let t0: EpochMillis = 1_795_276_800_000

private func alarm(_ id: String) -> AlarmRow {
    AlarmRow(id: id, identity: "canteen-01/cam-1/violation/\(id)", site: SiteID("canteen-01")!, region: "420106",
             device: "cam-1", kind: .violation, riskClass: .class1, state: .raised, card: .none, raisedAt: t0,
             updatedAt: t0, recordJSON: "{}")
}

private func evidence(_ alarmID: String, _ snapshot: String) -> EvidenceRecord {
    EvidenceRecord(alarmID: alarmID, camera: cam, snapshot: snapshot, source: .camera, label: "rodent", score: 0.9,
                   box: nil, at: t0, storedAt: t0, original: [0xFF, 0xD8, 1, 2, 0xFF, 0xD9], originalWidth: 640,
                   originalHeight: 360, thumbnail: [0xFF, 0xD8, 0xFF, 0xD9], thumbnailWidth: 320, thumbnailHeight: 180)
}

@Suite struct EvidenceStoreTests {
    @Test(arguments: StoreBackend.allCases) func evidenceIsCappedPerAlarmAndListedWithoutPictures(_ backend: StoreBackend) throws {
        let dir = TemporaryDirectory("bk-evidence")
        let store = try Store(path: dir.file("bk.sqlite"))
        let ids = try (0..<3).map { try store.insertEvidence(evidence("al_1", "s\($0)"), limit: 2) }
        #expect(ids[0] != nil && ids[1] != nil)
        #expect(ids[2] == nil, "the third picture is over the limit")
        let kept = try store.evidence(ofAlarm: "al_1")
        #expect(kept.map(\.snapshot) == ["s0", "s1"])
        #expect(kept.first?.originalBytes == 6)
        #expect(kept.first?.box == nil)
        #expect(try store.evidenceCounts(alarmIDs: ["al_1", "al_2"]) == ["al_1": 2])
        #expect(try store.evidencePicture(id: kept[0].id, .thumbnail) == [0xFF, 0xD8, 0xFF, 0xD9])
    }

    @Test(arguments: StoreBackend.allCases) func evidenceGoesWithItsAlarm(_ backend: StoreBackend) throws {
        let dir = TemporaryDirectory("bk-evidence")
        let store = try Store(path: dir.file("bk.sqlite"))
        var closed = alarm("al_closed")
        closed.state = .closed
        for row in [alarm("al_open"), closed] {
            try store.record(alarm: row, transition: TransitionRow(alarmID: row.id, at: t0, kind: "raised", actor: nil,
                                                                   note: nil, bodyJSON: "{}"),
                             outboxTargets: [], now: t0)
            _ = try store.insertEvidence(evidence(row.id, "evt"), limit: 20)
        }
        _ = try store.insertEvidence(evidence("al_deleted", "evt"), limit: 20)  // its alarm is gone

        let kept = try store.applyRetention(RetentionPolicy(), now: t0 + 400 * 86_400_000)
        #expect(kept.evidenceDeleted == 1, "by default only evidence without an alarm goes")
        #expect(try store.evidence(ofAlarm: "al_closed").count == 1)

        let policy = RetentionPolicy(evidenceDaysAfterClose: 30)
        let early = try store.applyRetention(policy, now: t0 + 29 * 86_400_000)
        #expect(early.evidenceDeleted == 0)
        let late = try store.applyRetention(policy, now: t0 + 31 * 86_400_000)
        #expect(late.evidenceDeleted == 1)
        #expect(try store.evidence(ofAlarm: "al_closed").isEmpty)
        #expect(try store.evidence(ofAlarm: "al_open").count == 1, "an open alarm keeps its pictures")
    }
}
