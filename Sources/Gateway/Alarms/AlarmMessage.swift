import Foundation
import KitchenModel
import KitchenRules
import Storage

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
    var state: String
    var card: String
    var site: Site
    var device: String
    var kind: String
    var category: String
    var label: String?
    var riskClass: Int?
    var titleZH: String
    var titleEN: String
    var messageZH: String
    var messageEN: String
    var raisedAt: EpochMillis
    var deadline: EpochMillis?
    var occurrences: Int
    var detail: AlarmDetail

    enum CodingKeys: String, CodingKey {
        case alarmID = "alarm_id", transition, at, by, note, state, card, site, device, kind, category, label
        case riskClass = "class", titleZH = "title_zh", titleEN = "title_en", messageZH = "message_zh"
        case messageEN = "message_en", raisedAt = "raised_at", deadline, occurrences, detail
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
        device = record.device.device.rawValue
        kind = record.kind.rawValue
        category = record.kind.category.rawValue
        label = record.label
        riskClass = record.riskClass?.rawValue
        titleZH = record.kind.titleZH
        titleEN = record.kind.titleEN
        messageZH = record.detail.message
        messageEN = record.detail.messageEN
        raisedAt = record.raisedAt
        deadline = record.deadline
        occurrences = record.occurrences
        detail = record.detail
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}

extension AlarmRecord {
    func row(site: SiteConfig, updatedAt: EpochMillis) -> AlarmRow {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
        return AlarmRow(id: id, identity: identity.description, site: site.id, region: site.region.description,
                        device: device.device.rawValue, kind: kind.rawValue, riskClass: riskClass?.rawValue,
                        state: state.rawValue, card: card.rawValue, raisedAt: raisedAt, updatedAt: updatedAt,
                        recordJSON: json)
    }

    static func decode(_ row: AlarmRow) -> AlarmRecord? {
        try? JSONDecoder().decode(AlarmRecord.self, from: Data(row.recordJSON.utf8))
    }
}
