import Foundation
import KitchenModel

/// Counts per label per camera for one local day.
public struct DigestRow: Sendable, Hashable, Codable {
    public var label: String
    @DeviceKeyCoded public var camera: DeviceKey
    /// Incidents (grouped detections): what supervision counts.
    public var incidents: Int
    /// Raw detections, for context.
    public var detections: Int
}

/// Class-3 violations of one site, counted per local day for routine supervision (DOMAIN.md:
/// "counted for routine supervision, daily digest"). Days are the site's local days.
public struct DailyDigest: Sendable, Hashable, Codable {
    public var timeZone: String
    /// `"2025-03-14"` → rows sorted by label then camera.
    public private(set) var days: [String: [DigestRow]] = [:]

    public init(timeZone: String = OperatingHours.defaultTimeZone) {
        self.timeZone = timeZone
    }

    /// The local day (`YYYY-MM-DD`) an instant falls on.
    public func day(of time: EpochMillis) -> String {
        LocalTime.dayString(LocalTime.dayNumber(time, in: LocalTime.timeZone(timeZone)))
    }

    public mutating func add(label: String, camera: DeviceKey, at time: EpochMillis, newIncident: Bool) {
        let key = day(of: time)
        var rows = days[key] ?? []
        if let index = rows.firstIndex(where: { $0.label == label && $0.camera == camera }) {
            rows[index].detections += 1
            if newIncident { rows[index].incidents += 1 }
        } else {
            rows.append(DigestRow(label: label, camera: camera, incidents: newIncident ? 1 : 0, detections: 1))
            rows.sort { ($0.label, $0.camera) < ($1.label, $1.camera) }
        }
        days[key] = rows
    }

    public func digest(for day: String) -> [DigestRow] {
        days[day] ?? []
    }

    /// Drops days before `day` (after their digest has been sent), keeping the state small.
    public mutating func prune(before day: String) {
        days = days.filter { $0.key >= day }
    }
}
