import KitchenModel

/// What makes two alarms "the same": the gateway keeps at most one open alarm per identity.
public struct AlarmIdentity: Sendable, Hashable, Codable, CustomStringConvertible {
    @DeviceKeyCoded public var device: DeviceKey
    public var kind: AlarmKind
    /// The violation label (`rodent`, `intrusion`, ...); nil for equipment faults.
    public var label: String?

    public init(device: DeviceKey, kind: AlarmKind, label: String? = nil) {
        self.device = device
        self.kind = kind
        self.label = label
    }

    /// A stable text key, e.g. `site-1/fridge-2/too_warm` or `site-1/cam-1/violation/rodent`,
    /// usable as a database key.
    public var description: String {
        let base = "\(DeviceKeyCoded.string(from: device))/\(kind.rawValue)"
        return label.map { "\(base)/\($0)" } ?? base
    }
}

/// The measured facts behind a signal plus a sentence a site manager can act on.
public struct AlarmDetail: Sendable, Hashable, Codable {
    /// The reading that triggered this signal (°C, %RH, µW/cm², lamp hours, battery %).
    public var value: Double?
    /// The limit it was judged against.
    public var limit: Double?
    /// The worst value of the excursion so far.
    public var peak: Double?
    /// When the condition began (first reading past the limit, first detection, ...).
    public var since: EpochMillis?
    /// How long the condition has lasted (or lasted, on `clear`).
    public var durationMillis: EpochMillis?
    /// Detections in an incident, missed slots, ...
    public var count: Int?
    /// A controller's fault code.
    public var code: String?
    /// The scheduled slot a disinfection signal refers to.
    public var scheduledFor: EpochMillis?
    /// A camera snapshot id kept as evidence.
    public var snapshot: String?
    public var message: String
    public var messageEN: String

    public init(value: Double? = nil, limit: Double? = nil, peak: Double? = nil, since: EpochMillis? = nil,
                durationMillis: EpochMillis? = nil, count: Int? = nil, code: String? = nil,
                scheduledFor: EpochMillis? = nil, snapshot: String? = nil, message: String, messageEN: String) {
        self.value = value
        self.limit = limit
        self.peak = peak
        self.since = since
        self.durationMillis = durationMillis
        self.count = count
        self.code = code
        self.scheduledFor = scheduledFor
        self.snapshot = snapshot
        self.message = message
        self.messageEN = messageEN
    }
}

/// One decision of the rules about one alarm identity. Rules emit signals; `AlarmLifecycle` turns
/// them into alarm records and audit transitions.
public struct AlarmSignal: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable {
        /// The condition has begun (after any delay).
        case raise
        /// Still going: a new peak, duration or count.
        case update
        /// The condition is over. Equipment alarms may then close; a violation stays open until
        /// it is rectified and closed.
        case clear
    }

    public var action: Action
    public var identity: AlarmIdentity
    public var riskClass: RiskClass?
    public var at: EpochMillis
    public var detail: AlarmDetail

    public var kind: AlarmKind { identity.kind }
    public var device: DeviceKey { identity.device }
    public var label: String? { identity.label }

    public init(_ action: Action, _ kind: AlarmKind, device: DeviceKey, label: String? = nil,
                riskClass: RiskClass? = nil, at: EpochMillis, detail: AlarmDetail) {
        self.action = action
        self.identity = AlarmIdentity(device: device, kind: kind, label: label)
        self.riskClass = riskClass
        self.at = at
        self.detail = detail
    }
}
