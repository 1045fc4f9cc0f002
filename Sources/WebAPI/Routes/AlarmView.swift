import Foundation
import GatewayPorts
import KitchenModel
import KitchenRules
import Reports
import StorageModel

/// An alarm as the API shows it: the fields it shares with the pushed message, plus who did
/// what and when.
struct AlarmView: Encodable {
    var id: String
    var site: String
    var state: String
    var card: String
    var overdueAt: EpochMillis?
    var conditionCleared: Bool
    var acknowledgedBy: String?
    var acknowledgedAt: EpochMillis?
    var rectifiedBy: String?
    var rectifiedAt: EpochMillis?
    var rectifyAction: String?
    var evidence: [String]
    var closedBy: String?
    var closedAt: EpochMillis?
    /// Camera pictures kept with the alarm (`GET /api/v1/alarms/{id}/evidence`), when the route counted them.
    var evidenceCount: Int?
    var core: AlarmCore

    enum CodingKeys: String, CodingKey {
        case id, site, state, card, evidence
        case overdueAt = "overdue_at", conditionCleared = "condition_cleared", acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at", rectifiedBy = "rectified_by", rectifiedAt = "rectified_at"
        case rectifyAction = "rectify_action", closedBy = "closed_by", closedAt = "closed_at"
        case evidenceCount = "evidence_count"
    }

    init(_ r: AlarmRecord) {
        id = r.id
        site = r.device.site.rawValue
        state = r.state.rawValue
        card = r.card.rawValue
        overdueAt = r.overdueAt
        conditionCleared = r.conditionCleared
        acknowledgedBy = r.acknowledgedBy
        acknowledgedAt = r.acknowledgedAt
        rectifiedBy = r.rectifiedBy
        rectifiedAt = r.rectifiedAt
        rectifyAction = r.rectifyAction
        evidence = r.evidence
        closedBy = r.closedBy
        closedAt = r.closedAt
        core = AlarmCore(r)
    }

    init?(_ row: AlarmRow) {
        guard let record = row.record else { return nil }
        self.init(record)
    }

    func encode(to encoder: Encoder) throws {
        try core.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(site, forKey: .site)
        try c.encode(state, forKey: .state)
        try c.encode(card, forKey: .card)
        try c.encodeIfPresent(overdueAt, forKey: .overdueAt)
        try c.encode(conditionCleared, forKey: .conditionCleared)
        try c.encodeIfPresent(acknowledgedBy, forKey: .acknowledgedBy)
        try c.encodeIfPresent(acknowledgedAt, forKey: .acknowledgedAt)
        try c.encodeIfPresent(rectifiedBy, forKey: .rectifiedBy)
        try c.encodeIfPresent(rectifiedAt, forKey: .rectifiedAt)
        try c.encodeIfPresent(rectifyAction, forKey: .rectifyAction)
        try c.encode(evidence, forKey: .evidence)
        try c.encodeIfPresent(closedBy, forKey: .closedBy)
        try c.encodeIfPresent(closedAt, forKey: .closedAt)
        try c.encodeIfPresent(evidenceCount, forKey: .evidenceCount)
    }

    /// The view with its evidence count filled in.
    func counting(_ counts: [String: Int]) -> AlarmView {
        var view = self
        view.evidenceCount = counts[id] ?? 0
        return view
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
