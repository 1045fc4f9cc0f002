import Foundation
import KitchenModel

/// An alarm as stored: the columns the API filters on, typed, plus the full record as JSON
/// (its shape belongs to the rules, not to storage: `AlarmRecord(storedJSON:)` reads it).
public struct AlarmRow: Sendable, Hashable {
    public var id: String
    /// (device, kind, label): at most one open alarm per identity.
    public var identity: String
    public var site: SiteID
    public var region: String
    public var device: String?
    public var kind: AlarmKind
    public var riskClass: RiskClass?
    public var state: AlarmState
    public var card: Card
    public var raisedAt: EpochMillis
    public var updatedAt: EpochMillis
    public var recordJSON: String

    public init(id: String, identity: String, site: SiteID, region: String, device: String?, kind: AlarmKind,
                riskClass: RiskClass?, state: AlarmState, card: Card, raisedAt: EpochMillis, updatedAt: EpochMillis,
                recordJSON: String) {
        self.id = id
        self.identity = identity
        self.site = site
        self.region = region
        self.device = device
        self.kind = kind
        self.riskClass = riskClass
        self.state = state
        self.card = card
        self.raisedAt = raisedAt
        self.updatedAt = updatedAt
        self.recordJSON = recordJSON
    }
}

/// One entry of an alarm's audit trail.
public struct TransitionRow: Sendable, Hashable {
    public var id: Int64?
    public var alarmID: String
    public var at: EpochMillis
    public var kind: String
    public var actor: String?
    public var note: String?
    /// The message pushed for this transition (MQTT and webhooks), as sent.
    public var bodyJSON: String

    public init(id: Int64? = nil, alarmID: String, at: EpochMillis, kind: String, actor: String?, note: String?,
                bodyJSON: String) {
        self.id = id
        self.alarmID = alarmID
        self.at = at
        self.kind = kind
        self.actor = actor
        self.note = note
        self.bodyJSON = bodyJSON
    }
}

/// Filters for listing alarms; nil means "any".
public struct AlarmQuery: Sendable, Hashable {
    public var site: SiteID?
    public var regionPrefix: String?
    public var states: [AlarmState]?
    public var riskClass: RiskClass?
    public var since: EpochMillis?
    public var limit = 200

    public init(site: SiteID? = nil, regionPrefix: String? = nil, states: [AlarmState]? = nil, riskClass: RiskClass? = nil,
                since: EpochMillis? = nil, limit: Int = 200) {
        self.site = site
        self.regionPrefix = regionPrefix
        self.states = states
        self.riskClass = riskClass
        self.since = since
        self.limit = limit
    }
}
