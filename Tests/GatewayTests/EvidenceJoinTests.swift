import Gateway
import KitchenModel
import TestSupport
import Testing

private let cam = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-1")!)
private let otherCam = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-2")!)
private let t0: EpochMillis = 1_795_276_800_000

private func rodent(_ snapshot: String?) -> Detection {
    Detection(label: "rodent", score: 0.9, box: DetectionBox(x: 0.6, y: 0.7, width: 0.08, height: 0.05), snapshot: snapshot)
}

private func picture(_ bytes: Int, _ fill: UInt8 = 1) -> [UInt8] {
    [0xFF, 0xD8] + [UInt8](repeating: fill, count: max(0, bytes - 2))
}

/// The snapshot/detection join, driven by a manual clock.
@Suite struct EvidenceJoinTests {
    @Test func snapshotFirstThenDetectionJoins() {
        let clock = ManualClock(t0)
        var join = EvidenceJoin()
        let jpeg = picture(1_000)
        let first = join.offer(snapshot: jpeg, id: "evt-1", camera: cam, at: clock.now())
        #expect(first.pairs.isEmpty)
        #expect(join.pendingItems == 1)
        #expect(join.pendingBytes == 1_000)
        clock.advance(byMillis: 2_000)
        let joined = join.offer(detection: rodent("evt-1"), camera: cam, at: clock.now(), detectedAt: clock.now() - 50)
        #expect(joined.pairs.count == 1)
        #expect(joined.pairs.first?.jpeg == jpeg)
        #expect(joined.pairs.first?.detectedAt == clock.now() - 50, "the device's time of the detection is kept")
        #expect(join.pendingItems == 0)
        #expect(join.pendingBytes == 0)
    }

    @Test func detectionFirstThenSnapshotJoins() {
        let clock = ManualClock(t0)
        var join = EvidenceJoin()
        let waiting = join.offer(detection: rodent("evt-2"), camera: cam, at: clock.now())
        #expect(waiting.pairs.isEmpty)
        clock.advance(byMillis: 30_000)
        let joined = join.offer(snapshot: picture(500), id: "evt-2", camera: cam, at: clock.now())
        #expect(joined.pairs.map(\.snapshotID) == ["evt-2"])
        #expect(joined.pairs.first?.detection.label == "rodent")
        #expect(joined.pairs.first?.detectedAt == t0)
        #expect(join.pendingItems == 0)
    }

    @Test func theSameIDFromAnotherCameraDoesNotJoin() {
        var join = EvidenceJoin()
        _ = join.offer(detection: rodent("evt-3"), camera: cam, at: t0)
        let other = join.offer(snapshot: picture(100), id: "evt-3", camera: otherCam, at: t0)
        #expect(other.pairs.isEmpty)
        #expect(join.pendingItems == 2)
    }

    @Test func twoDetectionsNamingOnePictureBothJoin() {
        var join = EvidenceJoin()
        _ = join.offer(detection: rodent("evt-4"), camera: cam, at: t0)
        _ = join.offer(detection: Detection(label: "pest", score: 0.8, snapshot: "evt-4"), camera: cam, at: t0 + 10)
        let joined = join.offer(snapshot: picture(100), id: "evt-4", camera: cam, at: t0 + 20)
        #expect(joined.pairs.map(\.detection.label) == ["rodent", "pest"])
        #expect(join.pendingItems == 0)
    }

    @Test func detectionsWithoutSnapshotAreNotHeld() {
        var join = EvidenceJoin()
        let outcome = join.offer(detection: rodent(nil), camera: cam, at: t0)
        #expect(outcome == EvidenceJoin.Outcome())
        #expect(join.pendingItems == 0)
    }

    @Test func whatWaitsPastTheWindowIsDropped() {
        let clock = ManualClock(t0)
        var join = EvidenceJoin(limits: .init(windowMillis: 60_000))
        _ = join.offer(snapshot: picture(300), id: "lonely-snap", camera: cam, at: clock.now())
        clock.advance(byMillis: 10_000)
        _ = join.offer(detection: rodent("lonely-det"), camera: cam, at: clock.now())
        clock.advance(byMillis: 50_000)
        let atWindow = join.expire(now: clock.now())
        #expect(atWindow.isEmpty, "exactly at the window both still wait")
        clock.advance(byMillis: 1)
        let snapshotGone = join.expire(now: clock.now())
        #expect(snapshotGone == [.init(side: .snapshot, why: .expired, camera: cam, snapshotID: "lonely-snap")])
        clock.advance(byMillis: 10_000)
        let detectionGone = join.expire(now: clock.now())
        #expect(detectionGone == [.init(side: .detection, why: .expired, camera: cam, snapshotID: "lonely-det")])
        #expect(join.pendingItems == 0)
        #expect(join.pendingBytes == 0)
        // The partner arriving late waits afresh instead of joining.
        let late = join.offer(snapshot: picture(300), id: "lonely-det", camera: cam, at: clock.now())
        #expect(late.pairs.isEmpty)
    }

    @Test func memoryIsBoundedByBytesOldestFirst() {
        let clock = ManualClock(t0)
        var join = EvidenceJoin(limits: .init(windowMillis: 60_000, maxPending: 100, maxBytes: 2_500))
        var dropped: [EvidenceJoin.Dropped] = []
        for n in 0..<5 {
            dropped += join.offer(snapshot: picture(1_000), id: "s\(n)", camera: cam, at: clock.now()).dropped
            clock.advance(byMillis: 1)
        }
        #expect(dropped.map(\.snapshotID) == ["s0", "s1", "s2"])
        #expect(dropped.allSatisfy { $0.why == .evicted && $0.side == .snapshot })
        #expect(join.pendingBytes == 2_000)
        let kept = join.offer(detection: rodent("s4"), camera: cam, at: clock.now())
        #expect(kept.pairs.count == 1)
        let evicted = join.offer(detection: rodent("s0"), camera: cam, at: clock.now())
        #expect(evicted.pairs.isEmpty, "s0 was evicted")
    }

    @Test func memoryIsBoundedByCount() {
        var join = EvidenceJoin(limits: .init(windowMillis: 60_000, maxPending: 3, maxBytes: 1 << 30))
        var dropped: [EvidenceJoin.Dropped] = []
        for n in 0..<5 {
            dropped += join.offer(detection: rodent("d\(n)"), camera: cam, at: t0 + EpochMillis(n)).dropped
        }
        #expect(dropped.map(\.snapshotID) == ["d0", "d1"])
        #expect(join.pendingItems == 3)
    }

    @Test func aRedeliveredSnapshotReplacesTheWaitingOne() {
        var join = EvidenceJoin()
        _ = join.offer(snapshot: picture(100, 1), id: "evt-9", camera: cam, at: t0)
        _ = join.offer(snapshot: picture(200, 2), id: "evt-9", camera: cam, at: t0 + 5)
        #expect(join.pendingItems == 1)
        #expect(join.pendingBytes == 200)
        let joined = join.offer(detection: rodent("evt-9"), camera: cam, at: t0 + 10)
        #expect(joined.pairs.first?.jpeg == picture(200, 2))
    }
}
