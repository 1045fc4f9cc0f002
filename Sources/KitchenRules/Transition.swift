import KitchenModel

/// One step of an alarm's life: the row appended to its audit trail and the event pushed to the
/// site and regulator topics.
public struct Transition: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case raised
        /// New peak, duration or count; or the condition came back while the alarm was open.
        case updated
        /// The condition is over (equipment) — the alarm may still await acknowledgement.
        case cleared
        case acknowledged
        case rectified
        case closed
        case escalatedYellow = "escalated_yellow"
        case escalatedRed = "escalated_red"
        /// Still unacknowledged: notify again.
        case renotified
        /// A class-2 rectification deadline passed.
        case overdue
        /// A person played a warning on the camera's speaker (一键喊话); the note says what and how it went.
        case voiceWarning = "voice_warning"
    }

    public var alarmID: String
    public var kind: Kind
    public var at: EpochMillis
    /// Who did it; nil when the gateway did it by rule.
    public var by: String?
    public var note: String?
    /// The record's state and card after the transition.
    public var state: AlarmState
    public var card: Card

    public init(alarmID: String, kind: Kind, at: EpochMillis, by: String? = nil, note: String? = nil,
                state: AlarmState, card: Card) {
        self.alarmID = alarmID
        self.kind = kind
        self.at = at
        self.by = by
        self.note = note
        self.state = state
        self.card = card
    }
}

/// A new record and what happened to get there.
public struct LifecycleStep: Sendable, Hashable {
    public var record: AlarmRecord
    public var transitions: [Transition]
}

/// Why a person's action on an alarm was refused. `description` is for logs and API errors;
/// `messageZH` is for the site screen.
public enum LifecycleError: Error, Hashable, Sendable, CustomStringConvertible {
    case actorRequired(alarmID: String)
    case alarmClosed(alarmID: String, closedAt: EpochMillis?)
    case alreadyAcknowledged(alarmID: String, by: String?, at: EpochMillis?)
    case alreadyRectified(alarmID: String, at: EpochMillis?)
    case actionRequired(alarmID: String)
    case conditionNotCleared(alarmID: String, kind: AlarmKind)
    case reasonRequired(alarmID: String)

    public var description: String {
        switch self {
        case .actorRequired(let id):
            "alarm \(id): say who is acting (a non-empty 'by')"
        case .alarmClosed(let id, let at):
            "alarm \(id) is closed\(at.map { " (at \($0))" } ?? ""); closed alarms cannot change"
        case .alreadyAcknowledged(let id, let by, _):
            "alarm \(id) was already acknowledged\(by.map { " by \($0)" } ?? "")"
        case .alreadyRectified(let id, _):
            "alarm \(id) is already rectified; it now awaits closing"
        case .actionRequired(let id):
            "alarm \(id): rectifying needs the corrective action taken, in words"
        case .conditionNotCleared(let id, let kind):
            "alarm \(id) (\(kind.rawValue)) cannot be closed while its condition persists; it closes by itself once cleared"
        case .reasonRequired(let id):
            "alarm \(id) is not rectified; closing it needs a reason (e.g. false detection)"
        }
    }

    public var messageZH: String {
        switch self {
        case .actorRequired: "请填写操作人"
        case .alarmClosed: "该报警已关闭，不能再修改"
        case .alreadyAcknowledged: "该报警已被确认"
        case .alreadyRectified: "该报警已整改，等待关闭"
        case .actionRequired: "请填写整改措施"
        case .conditionNotCleared: "异常仍在持续，恢复后将自动关闭"
        case .reasonRequired: "该报警尚未整改，关闭需填写理由（如误报）"
        }
    }
}
