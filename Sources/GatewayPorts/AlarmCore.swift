import KitchenModel
import KitchenRules

/// The fields every rendering of an alarm shares (the pushed message and the API view), encoded
/// into the same JSON object as the fields each adds.
public struct AlarmCore: Encodable, Sendable {
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
        case device, kind, category, label, deadline, occurrences, detail
        case riskClass = "class", titleZH = "title_zh", titleEN = "title_en", messageZH = "message_zh"
        case messageEN = "message_en", raisedAt = "raised_at"
    }

    public init(_ record: AlarmRecord) {
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
}
