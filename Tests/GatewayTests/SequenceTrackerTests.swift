import Gateway
import KitchenModel
import Storage
import StorageModel
import Testing

/// Holds the tracker in a class so `#expect` can call the mutating helpers.
private final class Harness {
    var tracker = SequenceTracker()

    func see(_ seq: Int64, boot: Int64? = nil, buffer: Int = 1000) -> SequenceTracker.Observation {
        tracker.observe(seq: seq, boot: boot, replayBuffer: buffer, now: 1_000)
    }

    func announce(boot: Int64, nextSeq: Int64?, now: EpochMillis) -> SequenceTracker.Observation? {
        tracker.announce(boot: boot, nextSeq: nextSeq, replayBuffer: 1000, now: now)
    }
}

@Suite struct SequenceTrackerTests {
    @Test func inOrderMessagesAreFresh() {
        let h = Harness()
        h.tracker.begin(boot: 1)
        for seq in Int64(0)...5 { #expect(h.see(seq).verdict == .fresh) }
        #expect(h.tracker.highest == 5)
        #expect(h.tracker.gaps.isEmpty)
    }

    @Test func redeliveryIsADuplicate() {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(1)
        _ = h.see(2)
        #expect(h.see(2).verdict == .duplicate)
        #expect(h.see(1).verdict == .duplicate)
    }

    @Test func aJumpOpensAGapThatReplayFills() {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(10)
        let jump = h.see(15)
        #expect(jump.verdict == .fresh)
        #expect(jump.openedGap?.first == 11)
        #expect(jump.openedGap?.last == 14)
        #expect(h.tracker.replayRanges.map(\.fromSeq) == [11])
        #expect(h.see(12).verdict == .fillsGap)
        #expect(h.tracker.gaps.map { [$0.first, $0.last] } == [[11, 11], [13, 14]])
        #expect(h.see(12).verdict == .duplicate)
        for seq: Int64 in [11, 13, 14] { #expect(h.see(seq).verdict == .fillsGap) }
        #expect(h.tracker.gaps.isEmpty)
        #expect(h.tracker.replayRanges.isEmpty)
        // The replay re-sends 15 too: already stored.
        #expect(h.see(15).verdict == .duplicate)
    }

    @Test func aGivenUpGapStillTakesItsNumbersOnceAcrossItsTwins() {
        let h = Harness()
        #expect(h.announce(boot: 1, nextSeq: 1, now: 1_000) != nil)
        _ = h.see(1)
        _ = h.see(2)
        _ = h.announce(boot: 3, nextSeq: 6, now: 2_000)  // 3...5 missing under boots 1, 2 and 3
        let abandoned = h.tracker.abandonGaps(openedBefore: 3_000)
        #expect(abandoned.map(\.count) == [3])  // twins are one loss
        #expect(h.tracker.gaps.isEmpty)
        // The replay comes after all, under the boot that had recorded the number.
        let late = h.see(4, boot: 2)
        #expect(late.verdict == .fillsGap)
        #expect(late.recovered)
        #expect(h.see(4, boot: 1).verdict == .duplicate)  // closed under the twins too
        #expect(h.see(4, boot: 2).verdict == .duplicate)
        #expect(h.see(9).verdict == .fresh)
        #expect(!h.see(9).recovered)
    }

    @Test func aLateBirthRevealsThatABootsFirstNumbersNeverCame() {
        let h = Harness()
        for seq in Int64(16)...20 { #expect(h.see(seq, boot: 1).openedGap == nil) }  // a new device, birth not yet here
        let birth = h.announce(boot: 1, nextSeq: 1, now: 2_000)
        #expect(birth?.openedGap == SeqGap(boot: 1, first: 1, last: 15, openedAt: 2_000))
        #expect(h.tracker.highest == 20)
        #expect(h.see(3, boot: 1).verdict == .fillsGap)
        // A rebirth of the same boot later asks for nothing more.
        #expect(h.announce(boot: 1, nextSeq: 21, now: 3_000)?.openedGap == nil)
    }

    @Test func aStateThatBeganTheBootStillLetsItsFirstMessageRevealTheLoss() {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(174)
        h.tracker.begin(boot: 2)  // the new connection's `state`, before its birth
        let first = h.see(218, boot: 2)
        #expect(first.openedGap == SeqGap(boot: 1, first: 175, last: 217, openedAt: 1_000))
        #expect(h.tracker.gaps.map(\.boot) == [1, 2])
        // The late birth then asks for nothing more.
        #expect(h.announce(boot: 2, nextSeq: 218, now: 2_000)?.openedGap == nil)
    }

    @Test func soDoesAShardsNewOwnerThatRestoredSuchABoot() {
        var tracker = SequenceTracker(boot: 2, highest: nil, gaps: [], previous: (1, 174))
        let first = tracker.observe(seq: 218, boot: 2, replayBuffer: 1000, now: 5_000)
        #expect(first.openedGap == SeqGap(boot: 1, first: 175, last: 217, openedAt: 5_000))
        #expect(tracker.replayRanges.map(\.boot) == [1, 2])
    }

    @Test func aBirthOnTimeOpensNothingForItsOwnBoot() {
        let h = Harness()
        _ = h.announce(boot: 1, nextSeq: 1, now: 1_000)
        for seq in Int64(1)...5 { _ = h.see(seq) }
        #expect(h.announce(boot: 1, nextSeq: 6, now: 2_000)?.openedGap == nil)
        #expect(h.tracker.gaps.isEmpty)
    }

    @Test func onlyTheNewestGivenUpGapsAreRemembered() {
        let h = Harness()
        h.tracker.begin(boot: 1)
        var seq: Int64 = 0
        for _ in 0..<(SequenceTracker.maxGivenUp + 1) {
            _ = h.see(seq)
            seq += 2  // one number missing each time
            _ = h.see(seq)
            _ = h.tracker.abandonGaps(openedBefore: 2_000)
        }
        #expect(h.tracker.givenUp.count == SequenceTracker.maxGivenUp)
        #expect(h.see(1).verdict == .duplicate)  // the oldest is forgotten
        #expect(h.see(3).recovered)
    }

    @Test func gapsBeyondTheReplayBufferAreLost() {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(0)
        let jump = h.see(5_001, buffer: 1_000)
        #expect(jump.lost == 4_000)
        #expect(jump.openedGap?.first == 4_001)
        #expect(jump.openedGap?.count == 1_000)
    }

    @Test func aNewBootRestartsNumberingButKeepsOldGapsFillable() {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(0)
        _ = h.see(3)  // gap 1...2 in boot 1
        let began = h.tracker.begin(boot: 2)
        #expect(began)
        #expect(h.see(0).verdict == .fresh)
        #expect(h.see(1).verdict == .fresh)
        #expect(h.see(1, boot: 1).verdict == .fillsGap)
        #expect(h.see(2, boot: 1).verdict == .fillsGap)
        #expect(h.see(3, boot: 1).verdict == .duplicate)
        #expect(h.tracker.gaps.isEmpty)
    }

    @Test func olderBootsCannotRewindTheTracker() {
        let h = Harness()
        h.tracker.begin(boot: 5)
        let rewound = h.tracker.begin(boot: 4)
        #expect(!rewound)
        #expect(h.tracker.boot == 5)
    }

    @Test func sequencedDataFromAnUnannouncedBootStartsIt() {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(40)
        #expect(h.see(0, boot: 2).verdict == .fresh)
        #expect(h.tracker.boot == 2)
    }

    @Test func hostilePatternsCannotGrowGapsWithoutBound() {
        let h = Harness()
        h.tracker.begin(boot: 1)
        var lost: Int64 = 0
        for seq in stride(from: Int64(0), to: 1_000, by: 2) { lost += h.see(seq).lost }
        #expect(h.tracker.gaps.count == SequenceTracker.maxGaps)
        #expect(lost == Int64(499 - SequenceTracker.maxGaps))
    }

    @Test func abandoningGapsReportsThem() {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(0)
        _ = h.see(10)
        let dropped = h.tracker.abandonGaps(openedBefore: 2_000)
        #expect(dropped.map(\.count) == [9])
        #expect(h.tracker.gaps.isEmpty)
    }

    @Test func aBirthRevealsTheLostTailOfThePreviousBoot() throws {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(1)
        _ = h.see(2)
        // Messages 3...5 were recorded but never arrived; the device reconnects as boot 2 at seq 6.
        let birth = try #require(h.announce(boot: 2, nextSeq: 6, now: 5))
        #expect(birth.openedGap == SeqGap(boot: 1, first: 3, last: 5, openedAt: 5))
        #expect(h.tracker.replayRanges.map(\.boot) == [1, 2])
        #expect(h.see(6, boot: 2).verdict == .fresh)
        #expect(h.see(3, boot: 1).verdict == .fillsGap)
        // Filled under boot 1, so no longer missing under boot 2 either.
        #expect(h.tracker.gaps.map { [$0.boot, $0.first, $0.last] } == [[1, 4, 5], [2, 4, 5]])
        #expect(h.see(3, boot: 2).verdict == .duplicate)
    }

    /// Found by scripts/chaos: a device increments `boot` before connecting, so a message it
    /// recorded while the broker was restarting carries the new boot but precedes that boot's
    /// birth. The birth's `next_seq` reveals it; the replay brings it under the new boot, and it
    /// used to be dropped as a duplicate (the gap was only open under the old boot).
    @Test func aMessageRecordedWhileReconnectingIsRecoveredUnderTheNewBoot() throws {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(1, boot: 1)
        _ = h.see(2, boot: 1)
        // Seq 3 was recorded in boot 2 while the device was still connecting.
        _ = try #require(h.announce(boot: 2, nextSeq: 4, now: 5))
        #expect(h.tracker.replayRanges.map { [$0.boot, $0.fromSeq] } == [[1, 3], [2, 3]])
        #expect(h.see(4, boot: 2).verdict == .fresh)
        #expect(h.see(3, boot: 2).verdict == .fillsGap)
        #expect(h.tracker.gaps.isEmpty)
        #expect(h.see(3, boot: 1).verdict == .duplicate)
        #expect(h.see(3, boot: 2).verdict == .duplicate)
    }

    /// Found by scripts/chaos: after a broker restart a device's `state` (online, new boot) reached
    /// the gateway before its birth; `state` began the boot, so the birth's `next_seq` had nothing
    /// to compare with and the messages lost in the reconnection were never asked for.
    @Test func aStateBeforeTheBirthStillLetsTheBirthRevealTheLoss() throws {
        let h = Harness()
        h.tracker.begin(boot: 1)
        for seq: Int64 in 1...76 { _ = h.see(seq, boot: 1) }
        h.tracker.begin(boot: 2)  // state {"online": true, "boot": 2}
        let birth = try #require(h.announce(boot: 2, nextSeq: 91, now: 5))
        #expect(birth.openedGap == SeqGap(boot: 1, first: 77, last: 90, openedAt: 5))
        #expect(h.tracker.replayRanges.map { [$0.boot, $0.fromSeq] } == [[1, 77], [2, 77]])
        for seq: Int64 in 77...90 { #expect(h.see(seq, boot: 2).verdict == .fillsGap) }
        #expect(h.tracker.gaps.isEmpty)
    }

    /// Found by cluster chaos run 6: a device whose first reconnection attempt got a connection
    /// but not its birth through (a broker node died under it) recorded messages under that boot
    /// too, and that connection's Will reached the gateway. The Will began boot 2 with nothing
    /// delivered, so boot 3's birth had nothing to compare with: the tail of boot 1 and all of
    /// boot 2 were never asked for.
    @Test func aBootWhoseBirthNeverCameDoesNotHideTheLossBehindIt() throws {
        let h = Harness()
        h.tracker.begin(boot: 1)
        for seq: Int64 in 1...739 { _ = h.see(seq, boot: 1) }
        h.tracker.begin(boot: 2)  // the Will {"online": false, "boot": 2}
        let birth = try #require(h.announce(boot: 3, nextSeq: 798, now: 5))
        #expect(birth.openedGap == SeqGap(boot: 1, first: 740, last: 797, openedAt: 5))
        #expect(h.tracker.replayRanges.map { [$0.boot, $0.fromSeq] } == [[1, 740], [2, 740], [3, 740]])
        #expect(h.see(798, boot: 3).verdict == .fresh)
        // Replayed as recorded: 740...768 under boot 1, 769...797 under boot 2 (its birth never came).
        for seq: Int64 in 740...768 { #expect(h.see(seq, boot: 1).verdict == .fillsGap) }
        for seq: Int64 in 769...797 { #expect(h.see(seq, boot: 2).verdict == .fillsGap) }
        #expect(h.tracker.gaps.isEmpty)
        #expect(h.see(770, boot: 3).verdict == .duplicate)
    }

    /// Found by cluster chaos run 7: NATS delivered boot 3's birth only after `ack_wait` (the shard's
    /// session had dropped with it unacknowledged), and boot 3's first messages before it. The first
    /// of them began the boot; the birth, when it came, had nothing to compare with.
    @Test func aNewBootsMessagesBeforeItsBirthRevealTheLossThemselves() throws {
        let h = Harness()
        h.tracker.begin(boot: 1)
        for seq: Int64 in 1...432 { _ = h.see(seq, boot: 1) }
        let first = h.see(503, boot: 3)
        #expect(first.verdict == .fresh)
        #expect(first.openedGap == SeqGap(boot: 1, first: 433, last: 502, openedAt: 1_000))
        #expect(h.tracker.replayRanges.map { [$0.boot, $0.fromSeq] } == [[1, 433], [2, 433], [3, 433]])
        #expect(h.see(504, boot: 3).verdict == .fresh)
        // The birth, late: nothing new is missing.
        let birth = try #require(h.announce(boot: 3, nextSeq: 503, now: 2_000))
        #expect(birth.openedGap == nil)
        for seq: Int64 in 433...459 { #expect(h.see(seq, boot: 1).verdict == .fillsGap) }
        for seq: Int64 in 460...500 { #expect(h.see(seq, boot: 2).verdict == .fillsGap) }
        for seq: Int64 in 501...502 { #expect(h.see(seq, boot: 3).verdict == .fillsGap) }
        #expect(h.tracker.gaps.isEmpty)
    }

    @Test func aNewBootThatRestartsNumberingOpensNothingBeforeItsBirth() {
        let h = Harness()
        h.tracker.begin(boot: 1)
        for seq: Int64 in 1...500 { _ = h.see(seq, boot: 1) }
        #expect(h.see(0, boot: 2).openedGap == nil)
        #expect(h.see(1, boot: 2).verdict == .fresh)
        #expect(h.tracker.gaps.isEmpty)
    }

    @Test func theSameHoldsWhenTheNewBootsStateCameFirst() throws {
        let h = Harness()
        h.tracker.begin(boot: 1)
        for seq: Int64 in 1...10 { _ = h.see(seq, boot: 1) }
        h.tracker.begin(boot: 2)  // Will of the attempt whose birth never came
        h.tracker.begin(boot: 3)  // retained state {"online": true, "boot": 3}
        _ = try #require(h.announce(boot: 3, nextSeq: 16, now: 5))
        #expect(h.tracker.replayRanges.map { [$0.boot, $0.fromSeq] } == [[1, 11], [2, 11], [3, 11]])
        #expect(h.see(13, boot: 2).verdict == .fillsGap)
        #expect(h.tracker.gaps.map { [$0.boot, $0.first, $0.last] }
                == [[1, 11, 12], [1, 14, 15], [2, 11, 12], [2, 14, 15], [3, 11, 12], [3, 14, 15]])
    }

    @Test func aLongRunOfFailedAttemptsSharesTheGapWithTheNewestBootsOnly() throws {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(1, boot: 1)
        for attempt: Int64 in 2...19 { h.tracker.begin(boot: attempt) }
        _ = try #require(h.announce(boot: 20, nextSeq: 5, now: 5))
        let boots = h.tracker.gaps.map(\.boot)
        #expect(boots == [1] + Array(Int64(21 - SequenceTracker.maxTwinBoots)...20))
        #expect(h.tracker.abandonGaps(openedBefore: 6).map(\.count) == [3], "twins are one loss")
    }

    @Test func twinGapsSurviveARestartThroughTheirOpeningTime() {
        // What the gateway reloads from seq_gap: the twins are recognised by their common `openedAt`.
        let h = Harness()
        h.tracker = SequenceTracker(boot: 2, highest: 9, gaps: [
            SeqGap(boot: 1, first: 5, last: 6, openedAt: 70), SeqGap(boot: 2, first: 5, last: 6, openedAt: 70),
            SeqGap(boot: 2, first: 8, last: 8, openedAt: 90),
        ])
        #expect(h.see(5, boot: 2).verdict == .fillsGap)
        #expect(h.see(6, boot: 1).verdict == .fillsGap)
        #expect(h.tracker.gaps == [SeqGap(boot: 2, first: 8, last: 8, openedAt: 90)])
    }

    @Test func abandonedTwinsCountAsOneLoss() throws {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(1, boot: 1)
        _ = try #require(h.announce(boot: 2, nextSeq: 5, now: 5))
        #expect(h.tracker.gaps.count == 2)
        #expect(h.tracker.abandonGaps(openedBefore: 6).map(\.count) == [3])
        #expect(h.tracker.gaps.isEmpty)
    }

    @Test func aBirthRevealsALostFirstMessage() throws {
        let h = Harness()
        _ = try #require(h.announce(boot: 1, nextSeq: 1, now: 5))
        let second = h.see(2)
        #expect(second.openedGap?.first == 1)
        #expect(h.see(1).verdict == .fillsGap)
    }

    @Test func aRebirthRevealsATailGapInTheSameBoot() throws {
        let h = Harness()
        _ = h.announce(boot: 3, nextSeq: 10, now: 0)
        _ = h.see(10)
        let rebirth = try #require(h.announce(boot: 3, nextSeq: 14, now: 9))
        #expect(rebirth.openedGap == SeqGap(boot: 3, first: 11, last: 13, openedAt: 9))
        #expect(h.see(14).verdict == .fresh)
    }

    @Test func restartedNumberingOpensNoGap() throws {
        let h = Harness()
        h.tracker.begin(boot: 1)
        _ = h.see(500)
        let birth = try #require(h.announce(boot: 2, nextSeq: 0, now: 0))
        #expect(birth.openedGap == nil)
        #expect(h.see(0).verdict == .fresh)
        #expect(h.tracker.gaps.isEmpty)
    }

    @Test func staleBirthsAreRefused() {
        let h = Harness()
        h.tracker.begin(boot: 4)
        #expect(h.announce(boot: 3, nextSeq: 1, now: 0) == nil)
    }
}
