import KitchenModel
import StorageModel

/// Follows one device's sequence numbers so that every message is counted exactly
/// once: a redelivered or replayed message is recognised on (boot, seq), a jump
/// opens a gap that a device replay can fill.
///
/// Pure value type: no clock, no I/O; `now` is passed in.
public struct SequenceTracker: Sendable, Hashable {
    public enum Verdict: Sendable, Hashable {
        /// Never seen; store it.
        case fresh
        /// A replayed or late message that closes (part of) a gap; store it.
        case fillsGap
        /// Already stored or never to be stored; drop it, count it.
        case duplicate
    }

    public struct Observation: Sendable, Hashable {
        public var verdict: Verdict
        /// The boot the message belongs to (its own `boot`, or the current one).
        public var boot: Int64
        /// A gap this message revealed, already trimmed to what the device can replay.
        public var openedGap: SeqGap?
        /// Sequence numbers that can never be replayed (beyond the device's buffer).
        public var lost: Int64
        /// This message was counted lost (its gap given up) and came after all: count it back.
        public var recovered = false
    }

    /// Beyond this many open gaps the oldest is given up, so hostile sequences
    /// (every other number missing) cannot grow memory without bound.
    public static let maxGaps = 64

    /// Given-up ranges remembered so that a number arriving after all is stored, not dropped as a
    /// duplicate: the oldest beyond this are forgotten.
    public static let maxGivenUp = 64

    public private(set) var boot: Int64?
    public private(set) var highest: Int64?
    public private(set) var gaps: [SeqGap]
    /// The boot before `boot` and the highest seq received in it, while `boot` has seen no
    /// sequenced message yet: a `state` may begin a boot before its birth arrives, and the birth's
    /// `next_seq` must still be compared with what the previous boot delivered. Persisted with the
    /// device snapshot: a gateway restarted between a `state` and its birth would otherwise never
    /// ask for the previous boot's lost tail (SequenceRestartTests).
    public private(set) var previous: (boot: Int64, highest: Int64)?
    /// Gaps given up (abandoned after their replay attempts, or trimmed beyond ``maxGaps``) whose
    /// numbers may still arrive: a broker minutes behind delivers a replay after the gateway
    /// stopped waiting for it, and dropping it then lost what the device had sent (cluster chaos,
    /// session 11). Held in memory only: a new shard owner treats such a late number as a duplicate.
    public private(set) var givenUp: [SeqGap] = []
    /// The first seq of the current boot when a message began it before its birth came: the late
    /// birth's `next_seq` then shows whether the boot's first numbers are missing (a new device's
    /// first messages lost in the broker, found by cluster chaos in session 11). In memory only.
    private var unannouncedFrom: Int64?

    public static func == (a: Self, b: Self) -> Bool {
        a.boot == b.boot && a.highest == b.highest && a.gaps == b.gaps && a.givenUp == b.givenUp
            && a.previous?.boot == b.previous?.boot && a.previous?.highest == b.previous?.highest
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(boot)
        hasher.combine(highest)
        hasher.combine(gaps)
    }

    public init(boot: Int64? = nil, highest: Int64? = nil, gaps: [SeqGap] = [],
                previous: (boot: Int64, highest: Int64)? = nil) {
        self.boot = boot
        self.highest = highest
        self.gaps = gaps
        self.previous = previous
    }

    /// A new connection: sequence numbers may restart. Gaps of older boots stay
    /// open, because a replay that names its boot can still fill them.
    /// Returns false (and changes nothing) for a boot older than the current one.
    @discardableResult
    public mutating func begin(boot newBoot: Int64) -> Bool {
        if let boot, newBoot < boot { return false }
        if newBoot != boot {
            if let boot, let highest { previous = (boot, highest) }
            boot = newBoot
            highest = nil
            unannouncedFrom = nil
        }
        return true
    }

    /// A birth: `boot` starts or continues, and `nextSeq` (when the device says it) tells
    /// where numbering stands, which reveals messages lost just before the birth, in the
    /// previous boot (the device kept counting) or in this one (a rebirth).
    public mutating func announce(boot newBoot: Int64, nextSeq: Int64?, replayBuffer: Int, now: EpochMillis)
        -> Observation?
    {
        var previousBoot = boot
        var previousHighest = highest
        if previousHighest == nil, let previous {
            // A `state` began this boot, or an earlier one whose birth never came (a connection
            // that died before its birth got through: its Will still names its boot), before
            // this birth. What the last boot that delivered anything delivered is what counts
            // (found by scripts/chaos: without this, what a reconnection cost was never asked for).
            (previousBoot, previousHighest) = (previous.boot, previous.highest)
        }
        let firstDelivered = newBoot == boot ? unannouncedFrom : nil
        guard begin(boot: newBoot) else { return nil }
        unannouncedFrom = nil
        var observation = Observation(verdict: .fresh, boot: newBoot, openedGap: nil, lost: 0)
        guard let nextSeq else { return observation }
        if let firstDelivered, nextSeq < firstDelivered {
            // The birth was delivered after the boot's first messages, and numbers before them never came.
            let opened = openGap(boot: newBoot, from: nextSeq, to: firstDelivered - 1, replayBuffer: replayBuffer, now: now)
            observation.openedGap = opened.gap
            observation.lost = opened.lost
        }
        let announcedLast = nextSeq - 1
        if let previousBoot, let previousHighest, announcedLast > previousHighest,
           previousBoot == newBoot || nextSeq > 0 {
            // Numbering went on past what we received: the tail of that boot is missing.
            let opened = openReconnectionGap(from: previousBoot, after: previousHighest, to: announcedLast,
                                             newBoot: newBoot, replayBuffer: replayBuffer, now: now)
            observation.openedGap = opened.gap
            observation.lost = opened.lost
        }
        if highest.map({ $0 < announcedLast }) ?? true { highest = announcedLast }
        return observation
    }

    public mutating func observe(seq: Int64, boot explicitBoot: Int64?, replayBuffer: Int, now: EpochMillis)
        -> Observation
    {
        let messageBoot = explicitBoot ?? boot ?? 0
        if boot == nil || messageBoot > boot! { begin(boot: messageBoot) }
        guard let last = highest, messageBoot == boot else {
            guard messageBoot == boot else { return fillObservation(boot: messageBoot, seq: seq) }
            // The first sequenced message of the current boot, whose birth has not come (yet) or
            // did not say `next_seq`: a broker may deliver the birth after it (NATS redelivers an
            // unacknowledged birth after `ack_wait`, while what the device published next flows at
            // once), and a `state` may have begun the boot. Numbering that went on past what the
            // last boot delivered is then the loss the birth would have revealed, and the birth,
            // once it comes, finds nothing to compare with (found by cluster chaos: run 7 for a
            // boot begun here, session 11 for one a `state` began).
            highest = seq
            if let previous, previous.boot < messageBoot, seq > previous.highest + 1 {
                let opened = openReconnectionGap(from: previous.boot, after: previous.highest, to: seq - 1,
                                                 newBoot: messageBoot, replayBuffer: replayBuffer, now: now)
                return Observation(verdict: .fresh, boot: messageBoot, openedGap: opened.gap, lost: opened.lost)
            }
            unannouncedFrom = seq
            return Observation(verdict: .fresh, boot: messageBoot, openedGap: nil, lost: 0)
        }
        if seq <= last {
            return fillObservation(boot: messageBoot, seq: seq)
        }
        highest = seq
        guard seq > last + 1 else {
            return Observation(verdict: .fresh, boot: messageBoot, openedGap: nil, lost: 0)
        }
        let opened = openGap(boot: messageBoot, from: last + 1, to: seq - 1, replayBuffer: replayBuffer, now: now)
        return Observation(verdict: .fresh, boot: messageBoot, openedGap: opened.gap, lost: opened.lost)
    }

    /// Opens `after + 1 ... to` under `previousBoot`, the last boot that delivered anything, and
    /// the same range under the boots after it up to `newBoot`. Across a reconnection the missing
    /// numbers may belong to any of them: a device increments `boot` before every connection
    /// attempt, so what it recorded while connecting carries the boot of that attempt (the new one,
    /// or one that never got its birth out). Twins share `openedAt`; whichever boot a replay fills
    /// a number from closes it in all.
    private mutating func openReconnectionGap(from previousBoot: Int64, after previousHighest: Int64, to last: Int64,
                                              newBoot: Int64, replayBuffer: Int, now: EpochMillis)
        -> (gap: SeqGap?, lost: Int64)
    {
        var opened = openGap(boot: previousBoot, from: previousHighest + 1, to: last, replayBuffer: replayBuffer, now: now)
        if previousBoot != newBoot, let gap = opened.gap {
            for twinBoot in Self.twinBoots(after: previousBoot, upTo: newBoot) {
                gaps.append(SeqGap(boot: twinBoot, first: gap.first, last: gap.last, openedAt: gap.openedAt))
            }
            opened.lost += trimGaps()
        }
        return opened
    }

    /// At most this many boots share one gap across a reconnection: the new boot and the attempts
    /// just before it. A device that failed more connection attempts than this in a row recorded
    /// its messages under boots whose replays are no longer asked for.
    public static let maxTwinBoots = 6

    /// The boots after `previous`, up to and including `newBoot`, a reconnection's messages may
    /// carry; the newest ``maxTwinBoots`` of them.
    static func twinBoots(after previous: Int64, upTo newBoot: Int64) -> ClosedRange<Int64> {
        max(previous + 1, newBoot - Int64(maxTwinBoots) + 1)...newBoot
    }

    /// Records `from...to` as missing, keeping only what the device can still replay (its
    /// newest `replayBuffer` messages up to `to + 1`); the rest is counted lost.
    private mutating func openGap(boot: Int64, from: Int64, to: Int64, replayBuffer: Int, now: EpochMillis)
        -> (gap: SeqGap?, lost: Int64)
    {
        guard from <= to else { return (nil, 0) }
        let first = max(from, to + 1 - Int64(max(replayBuffer, 0)))
        var lost = first - from
        guard first <= to else { return (nil, lost) }
        let gap = SeqGap(boot: boot, first: first, last: to, openedAt: now)
        gaps.append(gap)
        lost += trimGaps()
        return (gap, lost)
    }

    private mutating func fillObservation(boot: Int64, seq: Int64) -> Observation {
        if Self.fill(boot: boot, seq: seq, in: &gaps) {
            return Observation(verdict: .fillsGap, boot: boot, openedGap: nil, lost: trimGaps())
        }
        if Self.fill(boot: boot, seq: seq, in: &givenUp) {
            return Observation(verdict: .fillsGap, boot: boot, openedGap: nil, lost: 0, recovered: true)
        }
        return Observation(verdict: .duplicate, boot: boot, openedGap: nil, lost: 0)
    }

    /// Drops the oldest gaps beyond `maxGaps`; returns how many numbers they held.
    private mutating func trimGaps() -> Int64 {
        var lost: Int64 = 0
        while gaps.count > Self.maxGaps {
            let gap = gaps.removeFirst()
            // Twins still open keep the numbers open: they are counted when the last goes.
            if !gaps.contains(where: { Self.areTwins($0, gap) }) {
                lost += gap.count
            }
            remember([gap])
        }
        return lost
    }

    /// The same missing numbers opened at once under two boots (`openReconnectionGap`): one loss.
    private static func areTwins(_ a: SeqGap, _ b: SeqGap) -> Bool {
        a.openedAt == b.openedAt && a.first == b.first && a.last == b.last
    }

    private mutating func remember(_ given: [SeqGap]) {
        givenUp.append(contentsOf: given)
        if givenUp.count > Self.maxGivenUp { givenUp.removeFirst(givenUp.count - Self.maxGivenUp) }
    }

    /// Gives up the gaps opened before `cutoff`; returns them so they can be counted lost.
    public mutating func abandonGaps(openedBefore cutoff: EpochMillis) -> [SeqGap] {
        var abandoned: [SeqGap] = []
        for gap in gaps where gap.openedAt < cutoff {
            // Twins (the same numbers under two boots) are one loss, not two.
            if !abandoned.contains(where: { Self.areTwins($0, gap) }) {
                abandoned.append(gap)
            }
        }
        remember(gaps.filter { $0.openedAt < cutoff })
        gaps.removeAll { $0.openedAt < cutoff }
        return abandoned
    }

    /// The replay requests that would fill the current gaps: the lowest and the highest missing
    /// seq of each boot that has any, oldest boot first (a replay names one boot, and twins span
    /// several). The upper end keeps a device from re-sending everything it recorded since the
    /// first hole: without it, under load, replays outgrew first sends (cluster chaos run 9).
    public var replayRanges: [(boot: Int64, fromSeq: Int64, toSeq: Int64)] {
        var ranges: [Int64: (first: Int64, last: Int64)] = [:]
        for gap in gaps {
            let known = ranges[gap.boot]
            ranges[gap.boot] = (min(known?.first ?? gap.first, gap.first), max(known?.last ?? gap.last, gap.last))
        }
        return ranges.sorted { $0.key < $1.key }.map { (boot: $0.key, fromSeq: $0.value.first, toSeq: $0.value.last) }
    }

    private static func fill(boot: Int64, seq: Int64, in gaps: inout [SeqGap]) -> Bool {
        guard let index = gaps.firstIndex(where: { $0.boot == boot && $0.contains(seq) }) else { return false }
        let openedAt = gaps[index].openedAt
        remove(seq, fromGapAt: index, of: &gaps)
        // The number is no longer missing under the other boots either.
        while let twin = gaps.firstIndex(where: { $0.boot != boot && $0.openedAt == openedAt && $0.contains(seq) }) {
            remove(seq, fromGapAt: twin, of: &gaps)
        }
        return true
    }

    private static func remove(_ seq: Int64, fromGapAt index: Int, of gaps: inout [SeqGap]) {
        let gap = gaps[index]
        switch (seq == gap.first, seq == gap.last) {
        case (true, true):
            gaps.remove(at: index)
        case (true, false):
            gaps[index].first += 1
        case (false, true):
            gaps[index].last -= 1
        case (false, false):
            gaps[index].last = seq - 1
            var upper = gap
            upper.first = seq + 1
            gaps.insert(upper, at: index + 1)
        }
    }
}
