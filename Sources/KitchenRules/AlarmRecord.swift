import KitchenModel

/// One alarm as the gateway stores it. Changed only through `AlarmLifecycle`, which returns the
/// new record together with the transitions to append to the audit trail and push.
public struct AlarmRecord: Sendable, Hashable, Codable {
    /// Assigned by the gateway (it owns id generation and storage).
    public var id: String
    public var identity: AlarmIdentity
    public var riskClass: RiskClass?
    public var state: AlarmState
    public var card: Card
    public var raisedAt: EpochMillis
    public var lastNotifiedAt: EpochMillis
    /// Notifications sent, the first included.
    public var notifyCount: Int
    /// Rectification deadline (class 2).
    public var deadline: EpochMillis?
    public var overdueAt: EpochMillis?
    public var acknowledgedBy: String?
    public var acknowledgedAt: EpochMillis?
    public var rectifiedBy: String?
    public var rectifiedAt: EpochMillis?
    /// The corrective action taken (纠偏措施), as the person wrote it.
    public var rectifyAction: String?
    /// Evidence references (snapshot ids, photo URLs).
    public var evidence: [String]
    public var closedBy: String?
    public var closedAt: EpochMillis?
    public var closeNote: String?
    /// The rules said the condition is over (equipment) or the incident ended (violation).
    public var conditionCleared: Bool
    public var clearedAt: EpochMillis?
    /// How many separate raises this record has absorbed (a condition that came back while the
    /// alarm was still open, a new incident of the same violation).
    public var occurrences: Int
    /// The latest facts and sentence from the rules.
    public var detail: AlarmDetail

    public var kind: AlarmKind { identity.kind }
    public var label: String? { identity.label }
    public var device: DeviceKey { identity.device }
    public var isOpen: Bool { state != .closed }

    init(id: String, signal: AlarmSignal, deadline: EpochMillis?) {
        self.id = id
        identity = signal.identity
        riskClass = signal.riskClass
        state = .raised
        card = .none
        raisedAt = signal.at
        lastNotifiedAt = signal.at
        notifyCount = 1
        self.deadline = deadline
        evidence = signal.detail.snapshot.map { [$0] } ?? []
        conditionCleared = signal.action == .clear
        occurrences = 1
        detail = signal.detail
    }
}
