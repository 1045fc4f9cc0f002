import KitchenModel

/// One stored sample as the read side returns it.
public struct ReadingRow: Sendable, Hashable {
    public var boot: Int64
    public var seq: Int64
    public var deviceTime: EpochMillis
    public var receivedAt: EpochMillis
    public var readings: Readings

    public init(boot: Int64, seq: Int64, deviceTime: EpochMillis, receivedAt: EpochMillis, readings: Readings) {
        self.boot = boot
        self.seq = seq
        self.deviceTime = deviceTime
        self.receivedAt = receivedAt
        self.readings = readings
    }
}

public struct RollupRow: Sendable, Hashable {
    public var metric: String
    /// Start of the hour, ms since the epoch.
    public var hourStart: EpochMillis
    public var min: Double
    public var max: Double
    public var average: Double
    public var count: Int

    public init(metric: String, hourStart: EpochMillis, min: Double, max: Double, average: Double, count: Int) {
        self.metric = metric
        self.hourStart = hourStart
        self.min = min
        self.max = max
        self.average = average
        self.count = count
    }
}

/// A fixed slice of one device's temperatures, aggregated by SQLite.
public struct TemperatureBucket: Sendable, Hashable {
    /// Start of the slice, a multiple of its width (wall-clock boundaries), ms since the epoch.
    public var start: EpochMillis
    public var min: Double
    public var max: Double
    public var average: Double
    public var count: Int

    public init(start: EpochMillis, min: Double, max: Double, average: Double, count: Int) {
        self.start = start
        self.min = min
        self.max = max
        self.average = average
        self.count = count
    }
}
