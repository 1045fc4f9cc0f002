import Foundation
import KitchenModel
import KitchenRules
import StorageModel

/// The HACCP daily temperature log of one site (温度记录表): per temperature sensor the day's
/// minimum, maximum and average, and every excursion (a `too_warm` or `too_cold` alarm open
/// during the day) with its duration and the corrective action recorded for it.
public struct HACCPLog: Sendable {
    public struct SensorDay: Sendable {
        public var device: String
        public var zone: String
        public var min: Double?
        public var max: Double?
        public var average: Double?
        public var samples: Int
    }

    public struct Excursion: Sendable {
        public var alarmID: String
        public var device: String
        public var kind: AlarmKind
        public var start: EpochMillis
        /// When the temperature came back; nil while it is still outside at the end of the day.
        public var end: EpochMillis?
        public var durationMillis: EpochMillis
        public var peak: Double?
        public var limit: Double?
        public var correctiveAction: String?
        public var rectifiedBy: String?
        public var state: String
    }

    public var site: SiteConfig
    public var day: String
    public var sensors: [SensorDay]
    public var excursions: [Excursion]

    /// Reads the day `[start, end)` from the store; `now` bounds an ongoing excursion.
    public static func build(site: SiteConfig, devices: [DeviceConfig], day: String, start: EpochMillis,
                             end: EpochMillis, now: EpochMillis, store: some ReportSource) throws -> HACCPLog {
        let thermometers = devices.filter { $0.kind == .thermo }.sorted { $0.key.device.rawValue < $1.key.device.rawValue }
        let sensors = try thermometers.map { try sensorDay($0, start: start, end: end, store: store) }
        let excursions = try store.alarms(site: site.id, overlapping: start, until: end).compactMap { row -> Excursion? in
            guard row.kind == .tooWarm || row.kind == .tooCold, let record = row.record
            else { return nil }
            let from = record.detail.since ?? record.raisedAt
            let cleared = record.clearedAt
            if let cleared, cleared < start { return nil }
            return Excursion(alarmID: record.id, device: record.device.device.rawValue, kind: record.kind, start: from,
                             end: cleared, durationMillis: (cleared ?? Swift.min(now, end)) - from,
                             peak: record.detail.peak, limit: record.detail.limit,
                             correctiveAction: record.rectifyAction, rectifiedBy: record.rectifiedBy,
                             state: record.state.rawValue)
        }
        return HACCPLog(site: site, day: day, sensors: sensors, excursions: excursions)
    }

    /// From the hourly rollups, which outlive raw readings; raw readings when no rollup exists yet.
    private static func sensorDay(_ device: DeviceConfig, start: EpochMillis, end: EpochMillis,
                                  store: some ReportSource) throws -> SensorDay {
        var day = SensorDay(device: device.key.device.rawValue, zone: device.zone.rawValue, samples: 0)
        var sum = 0.0
        let rollups = try store.rollups(of: device.key, metric: "t", since: start, until: end)
        if !rollups.isEmpty {
            for r in rollups {
                day.min = Swift.min(day.min ?? r.min, r.min)
                day.max = Swift.max(day.max ?? r.max, r.max)
                sum += r.average * Double(r.count)
                day.samples += r.count
            }
        } else {
            for row in try store.readings(of: device.key, since: start, until: end, limit: 10_000) {
                guard case .thermo(let t) = row.readings, let celsius = t.celsius else { continue }
                day.min = Swift.min(day.min ?? celsius, celsius)
                day.max = Swift.max(day.max ?? celsius, celsius)
                sum += celsius
                day.samples += 1
            }
        }
        day.average = day.samples > 0 ? sum / Double(day.samples) : nil
        return day
    }
}
