import Gateway
import Storage
import Testing

@Suite struct SequenceTrackerTests {
    var tracker = SequenceTracker()

    mutating func see(_ seq: Int64, boot: Int64? = nil, buffer: Int = 1000) -> SequenceTracker.Observation {
        tracker.observe(seq: seq, boot: boot, replayBuffer: buffer, now: 1_000)
    }

    @Test mutating func inOrderMessagesAreFresh() {
        tracker.begin(boot: 1)
        for seq in Int64(0)...5 { #expect(see(seq).verdict == .fresh) }
        #expect(tracker.highest == 5)
        #expect(tracker.gaps.isEmpty)
    }

    @Test mutating func redeliveryIsADuplicate() {
        tracker.begin(boot: 1)
        _ = see(1)
        _ = see(2)
        #expect(see(2).verdict == .duplicate)
        #expect(see(1).verdict == .duplicate)
    }

    @Test mutating func aJumpOpensAGapThatReplayFills() {
        tracker.begin(boot: 1)
        _ = see(10)
        let jump = see(15)
        #expect(jump.verdict == .fresh)
        #expect(jump.openedGap?.first == 11)
        #expect(jump.openedGap?.last == 14)
        #expect(tracker.replayStart?.fromSeq == 11)
        #expect(see(12).verdict == .fillsGap)
        #expect(tracker.gaps.map { [$0.first, $0.last] } == [[11, 11], [13, 14]])
        #expect(see(12).verdict == .duplicate)
        for seq: Int64 in [11, 13, 14] { #expect(see(seq).verdict == .fillsGap) }
        #expect(tracker.gaps.isEmpty)
        #expect(tracker.replayStart == nil)
        // The replay re-sends 15 too: already stored.
        #expect(see(15).verdict == .duplicate)
    }

    @Test mutating func gapsBeyondTheReplayBufferAreLost() {
        tracker.begin(boot: 1)
        _ = see(0)
        let jump = see(5_001, buffer: 1_000)
        #expect(jump.lost == 4_000)
        #expect(jump.openedGap?.first == 4_001)
        #expect(jump.openedGap?.count == 1_000)
    }

    @Test mutating func aNewBootRestartsNumberingButKeepsOldGapsFillable() {
        tracker.begin(boot: 1)
        _ = see(0)
        _ = see(3)  // gap 1...2 in boot 1
        #expect(tracker.begin(boot: 2))
        #expect(see(0).verdict == .fresh)
        #expect(see(1).verdict == .fresh)
        #expect(see(1, boot: 1).verdict == .fillsGap)
        #expect(see(2, boot: 1).verdict == .fillsGap)
        #expect(see(3, boot: 1).verdict == .duplicate)
        #expect(tracker.gaps.isEmpty)
    }

    @Test mutating func olderBootsCannotRewindTheTracker() {
        tracker.begin(boot: 5)
        #expect(!tracker.begin(boot: 4))
        #expect(tracker.boot == 5)
    }

    @Test mutating func sequencedDataFromAnUnannouncedBootStartsIt() {
        tracker.begin(boot: 1)
        _ = see(40)
        #expect(see(0, boot: 2).verdict == .fresh)
        #expect(tracker.boot == 2)
    }

    @Test mutating func hostilePatternsCannotGrowGapsWithoutBound() {
        tracker.begin(boot: 1)
        var lost: Int64 = 0
        for seq in stride(from: Int64(0), to: 1_000, by: 2) { lost += see(seq).lost }
        #expect(tracker.gaps.count == SequenceTracker.maxGaps)
        #expect(lost == Int64(499 - SequenceTracker.maxGaps))
    }

    @Test mutating func abandoningGapsReportsThem() {
        tracker.begin(boot: 1)
        _ = see(0)
        _ = see(10)
        let dropped = tracker.abandonGaps(openedBefore: 2_000)
        #expect(dropped.map(\.count) == [9])
        #expect(tracker.gaps.isEmpty)
    }
}
