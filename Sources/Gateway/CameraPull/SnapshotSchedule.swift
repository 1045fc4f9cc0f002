import KitchenModel

/// When each polled camera is due next. Pure (time and randomness passed in), so the spread is
/// tested without a clock.
///
/// Every camera has a **phase** inside its interval, fixed by a hash of its key, so 5,000
/// cameras on a 10 s interval are due evenly over those 10 s (about one every 2 ms) and keep
/// their slots across restarts and registry reloads; each poll adds a small random **jitter**
/// (up to `jitterFraction` of the interval, at most 1 s), so gateways serving the same cameras
/// or cameras sharing an NVR never settle into lock-step. A camera whose config changes is
/// rescheduled; one that leaves the registry is dropped.
struct SnapshotSchedule {
    struct Due: Equatable {
        var key: DeviceKey
        var polling: SnapshotPolling
        /// The slot (without jitter) this poll belongs to.
        var slot: EpochMillis
    }

    private struct Entry {
        var polling: SnapshotPolling
        var slot: EpochMillis
        var generation: Int
    }

    private struct Item {
        var key: DeviceKey
        var generation: Int
    }

    let jitterFraction: Double
    private var entries: [DeviceKey: Entry] = [:]
    private var heap = DueHeap<EpochMillis, Item>()
    private var generation = 0

    init(jitterFraction: Double = 0.1) {
        self.jitterFraction = jitterFraction
    }

    var count: Int { entries.count }

    /// The camera's fixed offset inside its interval: FNV-1a of `site/device` (stable across
    /// processes, unlike `hashValue`).
    static func phase(_ key: DeviceKey, intervalMillis: Int64) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(key.site)/\(key.device)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(hash % UInt64(intervalMillis))
    }

    /// The first slot of the camera strictly after `now`.
    static func nextSlot(after now: EpochMillis, phase: Int64, intervalMillis: Int64) -> EpochMillis {
        let offset = ((now - phase) % intervalMillis + intervalMillis) % intervalMillis
        return now - offset + intervalMillis
    }

    func jitterBound(_ intervalMillis: Int64) -> Int64 {
        min(1_000, Int64(Double(intervalMillis) * jitterFraction))
    }

    /// Takes the registry's polled cameras: new or changed ones get their next slot, unchanged
    /// ones keep theirs, missing ones go.
    mutating func update(_ cameras: [(DeviceKey, SnapshotPolling)], now: EpochMillis,
                         random: (ClosedRange<Int64>) -> Int64) {
        var seen = Set<DeviceKey>()
        for (key, polling) in cameras {
            seen.insert(key)
            if entries[key]?.polling == polling { continue }
            let interval = Int64(polling.intervalSeconds) * 1_000
            let slot = Self.nextSlot(after: now, phase: Self.phase(key, intervalMillis: interval), intervalMillis: interval)
            schedule(key, polling: polling, slot: slot, random: random)
        }
        for key in entries.keys where !seen.contains(key) { entries[key] = nil }
        if heap.count > 2 * entries.count + 64 { rebuildHeap() }
    }

    /// When the next camera is due (nil: none is polled).
    var nextDue: EpochMillis? {
        var copy = self
        return copy.peekValid()?.due
    }

    /// Cameras due at `now`, each rescheduled to its next slot after `now` (a slot missed while
    /// the gateway was busy is skipped, not caught up in a burst).
    mutating func popDue(now: EpochMillis, random: (ClosedRange<Int64>) -> Int64) -> [Due] {
        var due: [Due] = []
        while let next = peekValid(), next.due <= now {
            heap.pop()
            let top = next.value
            guard let entry = entries[top.key] else { continue }
            due.append(Due(key: top.key, polling: entry.polling, slot: entry.slot))
            let interval = Int64(entry.polling.intervalSeconds) * 1_000
            var next = entry.slot + interval
            if next <= now { next = Self.nextSlot(after: now, phase: Self.phase(top.key, intervalMillis: interval), intervalMillis: interval) }
            schedule(top.key, polling: entry.polling, slot: next, random: random)
        }
        return due
    }

    private mutating func schedule(_ key: DeviceKey, polling: SnapshotPolling, slot: EpochMillis,
                                   random: (ClosedRange<Int64>) -> Int64) {
        generation += 1
        entries[key] = Entry(polling: polling, slot: slot, generation: generation)
        let bound = jitterBound(Int64(polling.intervalSeconds) * 1_000)
        heap.push(due: slot + (bound > 0 ? random(0...bound - 1) : 0), Item(key: key, generation: generation))
    }

    // MARK: Heap (stale items, from rescheduled or removed cameras, are skipped lazily)

    private mutating func peekValid() -> DueHeap<EpochMillis, Item>.Entry? {
        while let top = heap.peek {
            if entries[top.value.key]?.generation == top.value.generation { return top }
            heap.pop()
        }
        return nil
    }

    private mutating func rebuildHeap() {
        heap.retain { entries[$0.value.key]?.generation == $0.value.generation }
    }
}
