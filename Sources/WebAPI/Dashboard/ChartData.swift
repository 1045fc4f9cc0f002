import Foundation
import KitchenModel
import KitchenRules
import Storage

/// Reads a thermometer's stored temperatures for the site page's charts: the last 24 hours
/// from raw readings in 15-minute buckets (96 at most), the last 7 days from the hourly
/// rollups (168 at most; raw readings in hourly buckets if no rollup exists yet). A chart is
/// a few kilobytes whatever the report interval.
enum ChartData {
    static let dayBucket: EpochMillis = 15 * 60_000
    static let hour: EpochMillis = 3_600_000

    static func chart(_ device: DeviceConfig, profile: ZoneProfile, store: Store, now: EpochMillis,
                      kit: PageKit) throws -> SitePage.Chart {
        let dayFrom = now - 24 * hour
        let weekFrom = now - 7 * 24 * hour
        let raw = try temperatures(device.key, since: dayFrom, until: now, store: store)
        var week = try store.rollups(of: device.key, metric: "t", since: weekFrom, until: now).map {
            ChartBucket(start: $0.hourStart, end: $0.hourStart + hour, min: $0.min, max: $0.max, average: $0.average)
        }
        if week.isEmpty {
            week = ChartBucket.group(try temperatures(device.key, since: weekFrom, until: now, store: store),
                                     from: weekFrom, to: now, width: hour)
        }
        let name = device.key.device.rawValue
        let day = TemperatureChart(from: dayFrom, to: now, minLimit: profile.minCelsius, maxLimit: profile.maxCelsius,
                                   axis: .day, title: kit.t("\(name) 最近 24 小时温度", "\(name), last 24 hours"))
        let weekChart = TemperatureChart(from: weekFrom, to: now, minLimit: profile.minCelsius, maxLimit: profile.maxCelsius,
                                         axis: .week, title: kit.t("\(name) 最近 7 天温度", "\(name), last 7 days"))
        return SitePage.Chart(device: name, day: day.svg(ChartBucket.group(raw, from: dayFrom, to: now, width: dayBucket)),
                              week: weekChart.svg(week))
    }

    private static func temperatures(_ key: DeviceKey, since: EpochMillis, until: EpochMillis,
                                     store: Store) throws -> [(at: EpochMillis, value: Double)] {
        try store.readings(of: key, since: since, until: until, limit: 20_000).compactMap { row in
            guard case .thermo(let t) = row.readings, let celsius = t.celsius else { return nil }
            return (row.deviceTime, celsius)
        }
    }
}
