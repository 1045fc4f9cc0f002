import Foundation
import KitchenModel
import KitchenRules
import Storage

/// An alarm as the API shows it.
struct AlarmView: Encodable {
    var id: String
    var site: String
    var device: String
    var kind: String
    var category: String
    var label: String?
    var riskClass: Int?
    var state: String
    var card: String
    var titleZH: String
    var titleEN: String
    var messageZH: String
    var messageEN: String
    var raisedAt: EpochMillis
    var deadline: EpochMillis?
    var overdueAt: EpochMillis?
    var occurrences: Int
    var conditionCleared: Bool
    var acknowledgedBy: String?
    var acknowledgedAt: EpochMillis?
    var rectifiedBy: String?
    var rectifiedAt: EpochMillis?
    var rectifyAction: String?
    var evidence: [String]
    var closedBy: String?
    var closedAt: EpochMillis?
    var detail: AlarmDetail

    enum CodingKeys: String, CodingKey {
        case id, site, device, kind, category, label, state, card, deadline, occurrences, evidence, detail
        case riskClass = "class", titleZH = "title_zh", titleEN = "title_en", messageZH = "message_zh"
        case messageEN = "message_en", raisedAt = "raised_at", overdueAt = "overdue_at"
        case conditionCleared = "condition_cleared", acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at", rectifiedBy = "rectified_by", rectifiedAt = "rectified_at"
        case rectifyAction = "rectify_action", closedBy = "closed_by", closedAt = "closed_at"
    }

    init(_ r: AlarmRecord) {
        id = r.id
        site = r.device.site.rawValue
        device = r.device.device.rawValue
        kind = r.kind.rawValue
        category = r.kind.category.rawValue
        label = r.label
        riskClass = r.riskClass?.rawValue
        state = r.state.rawValue
        card = r.card.rawValue
        titleZH = r.kind.titleZH
        titleEN = r.kind.titleEN
        messageZH = r.detail.message
        messageEN = r.detail.messageEN
        raisedAt = r.raisedAt
        deadline = r.deadline
        overdueAt = r.overdueAt
        occurrences = r.occurrences
        conditionCleared = r.conditionCleared
        acknowledgedBy = r.acknowledgedBy
        acknowledgedAt = r.acknowledgedAt
        rectifiedBy = r.rectifiedBy
        rectifiedAt = r.rectifiedAt
        rectifyAction = r.rectifyAction
        evidence = r.evidence
        closedBy = r.closedBy
        closedAt = r.closedAt
        detail = r.detail
    }

    init?(_ row: AlarmRow) {
        guard let record = try? JSONDecoder().decode(AlarmRecord.self, from: Data(row.recordJSON.utf8)) else { return nil }
        self.init(record)
    }
}

/// One entry of the audit trail.
struct TransitionView: Encodable {
    var at: EpochMillis
    var transition: String
    var by: String?
    var note: String?

    init(_ row: TransitionRow) {
        at = row.at
        transition = row.kind
        by = row.actor
        note = row.note
    }
}
