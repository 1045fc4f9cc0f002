import KitchenModel

/// Counts messages from third-party sources that no registry entry binds, for
/// `brightkitchen devices unmapped`: an installer sees which topics to bind, and nothing fails.
public struct UnmappedTally: Hashable, Sendable {
    public struct Source: Hashable, Sendable, Comparable {
        public let family: DeviceSource.Family
        public let sourceID: String

        public static func < (a: Self, b: Self) -> Bool { (a.family.rawValue, a.sourceID) < (b.family.rawValue, b.sourceID) }
    }

    public struct Entry: Hashable, Sendable {
        public let source: Source
        public var count: Int
        public var firstSeen: EpochMillis
        public var lastSeen: EpochMillis
    }

    /// Distinct sources kept; beyond this only `overflowCount` grows, so a flood of made-up
    /// topics cannot exhaust memory.
    public static let maxSources = 1_000

    private var entries: [Source: Entry] = [:]
    public private(set) var overflowCount = 0

    public init() {}

    public mutating func record(family: DeviceSource.Family, sourceID: String, at now: EpochMillis) {
        let source = Source(family: family, sourceID: sourceID)
        if var entry = entries[source] {
            entry.count += 1
            entry.lastSeen = now
            entries[source] = entry
        } else if entries.count < Self.maxSources {
            entries[source] = Entry(source: source, count: 1, firstSeen: now, lastSeen: now)
        } else {
            overflowCount += 1
        }
    }

    /// Sources bound since they were counted are no longer unmapped.
    public mutating func removeBound(_ bindings: SourceBindings) {
        entries = entries.filter { source, _ in !bindings.binds(family: source.family, sourceID: source.sourceID) }
    }

    /// Most recently seen first.
    public var list: [Entry] {
        entries.values.sorted { $0.lastSeen != $1.lastSeen ? $0.lastSeen > $1.lastSeen : $0.source < $1.source }
    }
}
