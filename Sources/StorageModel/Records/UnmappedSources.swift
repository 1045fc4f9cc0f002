import KitchenModel

/// A third-party source no registry device is bound to, as `brightkitchen devices unmapped` lists it.
public struct UnmappedSourceRecord: Sendable, Hashable {
    public var family: String
    public var sourceID: String
    public var count: Int64
    public var firstSeen: EpochMillis
    public var lastSeen: EpochMillis

    public init(family: String, sourceID: String, count: Int64, firstSeen: EpochMillis, lastSeen: EpochMillis) {
        self.family = family
        self.sourceID = sourceID
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}
