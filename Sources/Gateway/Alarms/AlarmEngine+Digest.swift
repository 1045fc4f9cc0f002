import Foundation
import KitchenModel
import KitchenRules

/// The class-3 daily digest (DOMAIN.md: "counted for routine supervision, daily digest").
struct DigestMessage: Encodable {
    struct Row: Encodable {
        var label: String
        var camera: String
        var incidents: Int
        var detections: Int
    }

    var type = "daily_digest"
    var site: AlarmMessage.Site
    var day: String
    var rows: [Row]
    var messageZH: String

    enum CodingKeys: String, CodingKey {
        case type, site, day, rows, messageZH = "message_zh"
    }
}

public enum DigestTopics {
    public static func site(_ site: SiteID) -> String { Topic.siteFeed(site, .digest).description }

    public static func regulator(_ region: RegionCode) -> String { Topic.regulatorFeed(region, .digest).description }
}

extension AlarmEngine {
    /// Sends each finished local day's digest once, then forgets that day.
    func sendFinishedDigests(now: EpochMillis, registry: Registry, in s: inout State) {
        for siteID in Array(s.violations.keys) {
            guard var rules = s.violations[siteID], let site = registry.site(siteID) else { continue }
            let today = rules.digest.day(of: now)
            let finished = rules.digest.days.keys.filter { $0 < today }.sorted()
            guard !finished.isEmpty else { continue }
            for day in finished {
                let rows = rules.digest.digest(for: day)
                guard !rows.isEmpty else { continue }
                let total = rows.reduce(0) { $0 + $1.incidents }
                let message = DigestMessage(
                    site: .init(id: site.id.rawValue, name: site.name, region: site.region.description), day: day,
                    rows: rows.map { .init(label: $0.label, camera: $0.camera.device.rawValue, incidents: $0.incidents,
                                           detections: $0.detections) },
                    messageZH: "\(site.name) \(day) 三类违规共 \(total) 起，请在日常监管中跟进。")
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                guard let body = try? [UInt8](encoder.encode(message)) else { continue }
                // Queued for the webhooks and published by the committer, after the lock.
                s.decided.append(.digest(site: siteID, region: site.region, body: body))
            }
            rules.pruneDigest(before: today)
            s.violations[siteID] = rules
            s.dirtySites.insert(siteID)
        }
    }
}
