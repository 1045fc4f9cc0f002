import KitchenModel
import Storage

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
    }

    /// Beyond this many open gaps the oldest is given up, so hostile sequences
    /// (every other number missing) cannot grow memory without bound.
    public static let maxGaps = 64

    public private(set) var boot: Int64?
    public private(set) var highest: Int64?
    public private(set) var gaps: [SeqGap]

    public init(boot: Int64? = nil, highest: Int64? = nil, gaps: [SeqGap] = []) {
        self.boot = boot
        self.highest = highest
        self.gaps = gaps
    }

    /// A new connection: sequence numbers may restart. Gaps of older boots stay
    /// open, because a replay that names its boot can still fill them.
    /// Returns false (and changes nothing) for a boot older than the current one.
    @discardableResult
    public mutating func begin(boot newBoot: Int64) -> Bool {
        if let boot, newBoot < boot { return false }
        if newBoot != boot {
            boot = newBoot
            highest = nil
        }
        return true
    }

    public mutating func observe(seq: Int64, boot explicitBoot: Int64?, replayBuffer: Int, now: EpochMillis)
        -> Observation
    {
        let messageBoot = explicitBoot ?? boot ?? 0
        if boot == nil || messageBoot > boot! {
            // Sequenced data from a boot whose birth we have not seen (yet).
            begin(boot: messageBoot)
        }
        guard let last = highest, messageBoot == boot else {
            if messageBoot == boot {
                highest = seq
                return Observation(verdict: .fresh, boot: messageBoot, openedGap: nil, lost: 0)
            }
            return fillObservation(boot: messageBoot, seq: seq)
        }
        if seq <= last {
            return fillObservation(boot: messageBoot, seq: seq)
        }
        highest = seq
        guard seq > last + 1 else {
            return Observation(verdict: .fresh, boot: messageBoot, openedGap: nil, lost: 0)
        }
        // Only the newest `replayBuffer` messages can still be on the device.
        let replayable = Int64(max(replayBuffer, 0))
        let first = max(last + 1, seq - replayable)
        var lost = first - (last + 1)
        var opened: SeqGap?
        if first <= seq - 1 {
            let gap = SeqGap(boot: messageBoot, first: first, last: seq - 1, openedAt: now)
            gaps.append(gap)
            opened = gap
            lost += trimGaps()
        }
        return Observation(verdict: .fresh, boot: messageBoot, openedGap: opened, lost: lost)
    }

    private mutating func fillObservation(boot: Int64, seq: Int64) -> Observation {
        let filled = fill(boot: boot, seq: seq)
        return Observation(verdict: filled ? .fillsGap : .duplicate, boot: boot, openedGap: nil,
                           lost: filled ? trimGaps() : 0)
    }

    /// Drops the oldest gaps beyond `maxGaps`; returns how many numbers they held.
    private mutating func trimGaps() -> Int64 {
        var lost: Int64 = 0
        while gaps.count > Self.maxGaps { lost += gaps.removeFirst().count }
        return lost
    }

    /// Gives up the gaps opened before `cutoff`; returns them so they can be counted lost.
    public mutating func abandonGaps(openedBefore cutoff: EpochMillis) -> [SeqGap] {
        let abandoned = gaps.filter { $0.openedAt < cutoff }
        gaps.removeAll { $0.openedAt < cutoff }
        return abandoned
    }

    /// The replay request that would fill the current gaps: the lowest missing
    /// seq of the oldest boot that has any.
    public var replayStart: (boot: Int64, fromSeq: Int64)? {
        guard let first = gaps.min(by: { ($0.boot, $0.first) < ($1.boot, $1.first) }) else { return nil }
        return (first.boot, first.first)
    }

    private mutating func fill(boot: Int64, seq: Int64) -> Bool {
        guard let index = gaps.firstIndex(where: { $0.boot == boot && $0.contains(seq) }) else { return false }
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
        return true
    }
}
