import Foundation
import KitchenModel
import KitchenRules
import StorageModel

/// Reads a thermometer's temperatures for the site page's charts: the last 24 hours in
/// 15-minute slices (96), the last 7 days in hourly slices (168). SQLite aggregates the raw
/// readings, so a chart costs the same whatever the report interval; hours whose raw readings
/// retention has already removed come from the hourly rollups.
///
/// Only values the rules would judge are drawn (`SensorLimits.isPlausible`): a −127 °C
/// "probe disconnected" reading must neither rescale the axis nor shade a false excursion.
enum ChartData {
    static let dayBucket: EpochMillis = 15 * 60_000
    static let hour: EpochMillis = 3_600_000

    /// `slices` slices of `width` ending with the one that holds `now`, on wall-clock boundaries:
    /// a request a few seconds later draws the same chart unless a reading came in, so the live
    /// refresh leaves an unchanged page alone.
    static func window(now: EpochMillis, width: EpochMillis, slices: Int64) -> (from: EpochMillis, to: EpochMillis) {
        let to = (now / width + 1) * width
        return (to - slices * width, to)
    }

    static func chart(_ device: DeviceConfig, profile: ZoneProfile, sensor: SensorLimits, store: any ReadingQueries, now: EpochMillis,
                      kit: PageKit) throws -> SitePage.Chart {
        let dayWindow = window(now: now, width: dayBucket, slices: 96)
        let weekWindow = window(now: now, width: hour, slices: 168)
        let day = try buckets(device.key, dayWindow, width: dayBucket, sensor: sensor, store: store)
        var week = try buckets(device.key, weekWindow, width: hour, sensor: sensor, store: store)
        // A rollup keeps only an hour's extremes, so an hour with a fault value among them is
        // left out rather than drawn from numbers that cannot be told apart.
        let covered = Set(week.map(\.start))
        week += try store.rollups(of: device.key, metric: "t", since: weekWindow.from, until: weekWindow.to)
            .filter { !covered.contains($0.hourStart) && $0.count > 0
                && sensor.isPlausible(celsius: $0.min) && sensor.isPlausible(celsius: $0.max) }
            .map { ChartBucket(start: $0.hourStart, end: $0.hourStart + hour, min: $0.min, max: $0.max, average: $0.average) }
        week.sort { $0.start < $1.start }
        let name = device.key.device.rawValue
        let dayChart = TemperatureChart(from: dayWindow.from, to: dayWindow.to, minLimit: profile.minCelsius,
                                        maxLimit: profile.maxCelsius, axis: .day,
                                        title: kit.t("\(name) 最近 24 小时温度", "\(name), last 24 hours"))
        let weekChart = TemperatureChart(from: weekWindow.from, to: weekWindow.to, minLimit: profile.minCelsius,
                                         maxLimit: profile.maxCelsius, axis: .week,
                                         title: kit.t("\(name) 最近 7 天温度", "\(name), last 7 days"))
        return SitePage.Chart(device: name, day: dayChart.svg(day), week: weekChart.svg(week))
    }

    private static func buckets(_ key: DeviceKey, _ window: (from: EpochMillis, to: EpochMillis), width: EpochMillis,
                                sensor: SensorLimits, store: any ReadingQueries) throws -> [ChartBucket] {
        // A configuration whose range is empty trusts no value (as the rules do).
        guard sensor.minCelsius <= sensor.maxCelsius else { return [] }
        return try store.temperatureBuckets(of: key, since: window.from, until: window.to, width: width,
                                            plausible: sensor.minCelsius...sensor.maxCelsius,
                                            excluding: sensor.sentinelCelsius).map {
            ChartBucket(start: $0.start, end: $0.start + width, min: $0.min, max: $0.max, average: $0.average)
        }
    }
}
