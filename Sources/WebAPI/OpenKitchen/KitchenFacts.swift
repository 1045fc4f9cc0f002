import GatewayPorts
import KitchenModel
import KitchenRules
import Ledgers
import RegionNames
import Reports
import StorageModel

/// What the public page of one kitchen shows, gathered from the live model, the alarm engine
/// and the store. Carries no token, no device id and nothing of another site: thermometers and
/// cameras are numbered, alarms are counted.
struct KitchenFacts {
    struct Thermometer {
        /// `冷藏库 1`: the zone and the device's place among the site's thermometers in that zone.
        var zone: Zone
        var number: Int
        var minLimit: Double?
        var maxLimit: Double?
        /// Today's lowest and highest plausible readings; nil before the first reading of the day.
        var today: (min: Double, max: Double)?

        var inRange: Bool? {
            guard let today else { return nil }
            return (minLimit.map { today.min >= $0 } ?? true) && (maxLimit.map { today.max <= $0 } ?? true)
        }
    }

    var site: SiteConfig
    var regionName: String
    var open: Bool
    var thermometers: [Thermometer]
    /// Public camera numbers (1-based, as in `/k/{site}/cameras/{n}`) with a picture to show now.
    var pictures: [(number: Int, at: EpochMillis)]
    var publicCameras: Int
    /// Closed violations raised in the last 90 days, by risk class (nil: unclassified).
    var closedViolations: [RiskClass?: Int]
    /// The latest nightly grade of the last week (docs/rules.md, "Grades"); nil when none.
    var grade: SiteGrade?
    /// Today's 晨檢: workers checked of those on the ledger; nil when the site keeps no staff ledger.
    var morningChecks: (checked: Int, staff: Int)?
    var builtAt: EpochMillis

    static let violationWindow: EpochMillis = 90 * 24 * 3_600_000

    static func gather(_ site: SiteConfig, dependencies: APIDependencies, now: EpochMillis) throws -> KitchenFacts {
        let startOfDay = ReportCalendar.china.startOfDay(containing: now)
        let sensor = dependencies.rules.sensor
        var perZone: [Zone: Int] = [:]
        var thermometers: [Thermometer] = []
        let devices = dependencies.sites.devices(ofSite: site.id).sorted { $0.key.device < $1.key.device }
        for device in devices where device.kind == .thermo {
            perZone[device.zone, default: 0] += 1
            let profile = dependencies.rules.profile(for: device.key, zone: device.zone)
            var today: (min: Double, max: Double)?
            if sensor.minCelsius <= sensor.maxCelsius {
                let buckets = try dependencies.store.temperatureBuckets(
                    of: device.key, since: startOfDay, until: now + 1, width: 3_600_000,
                    plausible: sensor.minCelsius...sensor.maxCelsius, excluding: sensor.sentinelCelsius)
                if let low = buckets.map(\.min).min(), let high = buckets.map(\.max).max() { today = (low, high) }
            }
            thermometers.append(Thermometer(zone: device.zone, number: perZone[device.zone]!, minLimit: profile.minCelsius,
                                            maxLimit: profile.maxCelsius, today: today))
        }
        let open = site.hours.isOpen(at: now)
        var pictures: [(Int, EpochMillis)] = []
        if open {
            for (index, camera) in site.publicCameras.enumerated() {
                if let picture = publicPicture(site, camera: index + 1, dependencies: dependencies, now: now) {
                    pictures.append((index + 1, picture.at))
                }
            }
        }
        var violations: [RiskClass?: Int] = [:]
        let rows = try dependencies.store.alarms(AlarmQuery(site: site.id, states: [.closed], since: now - violationWindow,
                                                            limit: 100_000))
        for row in rows where row.kind == .violation && row.site == site.id && row.raisedAt >= now - violationWindow {
            violations[row.riskClass, default: 0] += 1
        }
        let weekAgo = CivilDate(dayNumber: (now + 8 * 3_600_000) / 86_400_000 - 7).description
        let grade = try dependencies.store.grades(site: site.id, fromDay: weekAgo, toDay: "9999-12-31").last
            .flatMap(GradeBody.decode)?.grade
        let sheet = try DailyLedgerSheet.build(site: site, day: CivilDay(containing: now), book: dependencies.ledgers)
        let checks = sheet.lines.isEmpty ? nil : (checked: sheet.checked, staff: sheet.lines.count)
        return KitchenFacts(site: site, regionName: RegionNames.shared.path(site.region.description), open: open,
                            thermometers: thermometers, pictures: pictures, publicCameras: site.publicCameras.count,
                            closedViolations: violations, grade: grade, morningChecks: checks, builtAt: now)
    }

    /// The picture of public camera `number` (1-based) if it may be shown now: the site is open,
    /// the picture was taken today while open, and the camera has no open alarm (its latest
    /// frame could then be the alarm's evidence).
    static func publicPicture(_ site: SiteConfig, camera number: Int, dependencies: APIDependencies,
                              now: EpochMillis) -> PublicPictures.Picture? {
        guard number >= 1, number <= site.publicCameras.count, site.hours.isOpen(at: now) else { return nil }
        let key = DeviceKey(site: site.id, device: site.publicCameras[number - 1])
        guard let picture = dependencies.publicPictures.picture(key),
              picture.at >= ReportCalendar.china.startOfDay(containing: now), picture.at <= now,
              site.hours.isOpen(at: picture.at) else { return nil }
        guard !dependencies.alarms.openAlarms(site: site.id).contains(where: { $0.device == key }) else { return nil }
        return picture
    }
}
