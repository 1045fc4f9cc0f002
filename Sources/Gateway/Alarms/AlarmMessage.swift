import Foundation
import GatewayPorts
import KitchenModel
import KitchenRules
import StorageModel

/// What every alarm transition says, on MQTT and to webhooks: machine fields plus a
/// Chinese sentence a site manager can act on.
struct AlarmMessage: Encodable {
    struct Site: Encodable {
        var id: String
        var name: String
        var region: String
    }

    var alarmID: String
    var transition: String
    var at: EpochMillis
    var by: String?
    var note: String?
    /// State and card after this transition (a step may hold several, e.g. acknowledged + rectified).
    var state: String
    var card: String
    var site: Site
    var core: AlarmCore

    enum CodingKeys: String, CodingKey {
        case alarmID = "alarm_id", transition, at, by, note, state, card, site
    }

    init(record: AlarmRecord, transition: Transition, site: SiteConfig) {
        alarmID = record.id
        self.transition = transition.kind.rawValue
        at = transition.at
        by = transition.by
        note = transition.note
        state = transition.state.rawValue
        card = transition.card.rawValue
        self.site = Site(id: site.id.rawValue, name: site.name, region: site.region.description)
        core = AlarmCore(record)
    }

    func encode(to encoder: Encoder) throws {
        try core.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(alarmID, forKey: .alarmID)
        try c.encode(transition, forKey: .transition)
        try c.encode(at, forKey: .at)
        try c.encodeIfPresent(by, forKey: .by)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encode(state, forKey: .state)
        try c.encode(card, forKey: .card)
        try c.encode(site, forKey: .site)
    }

    func json() -> String {
        // Unsorted keys, as in EventJSON: sorting goes through ICU collation on the alarm path.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}

extension AlarmRecord {
    func row(site: SiteConfig, updatedAt: EpochMillis) -> AlarmRow {
        AlarmRow(id: id, identity: identity.description, site: site.id, region: site.region.description,
                 device: device.device.rawValue, kind: kind, riskClass: riskClass, state: state, card: card,
                 raisedAt: raisedAt, updatedAt: updatedAt, recordJSON: storedJSON)
    }

    static func decode(_ row: AlarmRow) -> AlarmRecord? {
        try? AlarmRecord(storedJSON: row.recordJSON)
    }
}
