import KitchenModel

/// The hourly cells (min, max, sum, count per device row, metric and hour) that one batch's newly
/// stored readings add to the `rollup` table: both backends fold a batch the same way, then upsert.
public struct HourlyRollups {
    public struct Key: Hashable {
        public var deviceID: Int64
        public var metric: String
        public var hour: Int64
    }

    public struct Cell {
        public var min = Double.infinity
        public var max = -Double.infinity
        public var sum = 0.0
        public var count = 0

        mutating func add(_ value: Double) {
            min = Swift.min(min, value)
            max = Swift.max(max, value)
            sum += value
            count += 1
        }
    }

    public private(set) var cells: [Key: Cell] = [:]

    public init() {}

    /// Counts a reading that was stored (not one the store already had): its rolled-up metrics.
    public mutating func add(_ reading: ReadingRecord, deviceID: Int64) {
        let hour = reading.deviceTime / 3_600_000
        for (metric, value) in ReadingCodec.rollupMetrics(reading.readings) {
            cells[Key(deviceID: deviceID, metric: metric, hour: hour), default: Cell()].add(value)
        }
    }
}
