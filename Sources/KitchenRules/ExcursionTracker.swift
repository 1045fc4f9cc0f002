import KitchenModel

/// One excursion past one limit, from its first reading past the limit to its recovery.
///
/// - The delay counts from the first reading past the limit; a reading back inside by the
///   hysteresis margin ends a not-yet-raised excursion (the door was closed in time). Readings in
///   the margin band neither end it nor raise it, so a fridge sitting at its limit with blips just
///   over cannot dodge the alarm by dipping 0.1 °C under.
/// - Once raised, the excursion stays one alarm: a worsening peak (by `updatePeakStep`) or the
///   passing of `updateEverySeconds` emits `update`; it clears only after readings have stayed
///   inside by the margin for the recovery time.
public struct ExcursionTracker: Sendable, Hashable, Codable {
    public enum Direction: String, Sendable, Hashable, Codable {
        case above, below
    }

    /// The facts a tracker reports when it moves.
    struct Event: Hashable {
        var action: AlarmSignal.Action
        var value: Double
        var peak: Double
        var since: EpochMillis
        var durationMillis: EpochMillis
    }

    public let direction: Direction

    /// The excursion's facts, boxed: a thermometer carries three trackers that are empty nearly
    /// all the time, and a province of them kept inline cost megabytes for nothing.
    struct Facts: Sendable, Hashable {
        var outsideSince: EpochMillis?
        var raisedAt: EpochMillis?
        var peak: Double?
        var reportedPeak: Double?
        var reportedAt: EpochMillis?
        var recoveredSince: EpochMillis?
    }

    private indirect enum Box: Sendable, Hashable {
        case facts(Facts)
    }

    private var box: Box?

    private var facts: Facts {
        get {
            guard case .facts(let facts)? = box else { return Facts() }
            return facts
        }
        set { box = newValue == Facts() ? nil : .facts(newValue) }
    }

    /// First reading past the limit in the current excursion.
    public private(set) var outsideSince: EpochMillis? {
        get { facts.outsideSince }
        set { facts.outsideSince = newValue }
    }
    public private(set) var raisedAt: EpochMillis? {
        get { facts.raisedAt }
        set { facts.raisedAt = newValue }
    }
    public private(set) var peak: Double? {
        get { facts.peak }
        set { facts.peak = newValue }
    }
    public private(set) var reportedPeak: Double? {
        get { facts.reportedPeak }
        set { facts.reportedPeak = newValue }
    }
    public private(set) var reportedAt: EpochMillis? {
        get { facts.reportedAt }
        set { facts.reportedAt = newValue }
    }
    /// First of the uninterrupted recovered readings of a raised excursion.
    public private(set) var recoveredSince: EpochMillis? {
        get { facts.recoveredSince }
        set { facts.recoveredSince = newValue }
    }

    public init(direction: Direction) {
        self.direction = direction
    }

    enum CodingKeys: String, CodingKey {
        case direction, outsideSince, raisedAt, peak, reportedPeak, reportedAt, recoveredSince
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        direction = try c.decode(Direction.self, forKey: .direction)
        facts = Facts(outsideSince: try c.decodeIfPresent(EpochMillis.self, forKey: .outsideSince),
                      raisedAt: try c.decodeIfPresent(EpochMillis.self, forKey: .raisedAt),
                      peak: try c.decodeIfPresent(Double.self, forKey: .peak),
                      reportedPeak: try c.decodeIfPresent(Double.self, forKey: .reportedPeak),
                      reportedAt: try c.decodeIfPresent(EpochMillis.self, forKey: .reportedAt),
                      recoveredSince: try c.decodeIfPresent(EpochMillis.self, forKey: .recoveredSince))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(direction, forKey: .direction)
        try c.encodeIfPresent(outsideSince, forKey: .outsideSince)
        try c.encodeIfPresent(raisedAt, forKey: .raisedAt)
        try c.encodeIfPresent(peak, forKey: .peak)
        try c.encodeIfPresent(reportedPeak, forKey: .reportedPeak)
        try c.encodeIfPresent(reportedAt, forKey: .reportedAt)
        try c.encodeIfPresent(recoveredSince, forKey: .recoveredSince)
    }

    public var isRaised: Bool { raisedAt != nil }
    /// An excursion is under way, raised or still within its delay.
    public var isOutside: Bool { outsideSince != nil }

    /// How far past the limit `value` is; positive means outside.
    func excess(_ value: Double, limit: Double) -> Double {
        direction == .above ? value - limit : limit - value
    }

    mutating func observe(_ value: Double, at time: EpochMillis, limit: Double, profile: ZoneProfile,
                          hysteresis: Double) -> Event? {
        let excess = excess(value, limit: limit)
        if excess > 0 {
            recoveredSince = nil
            let since = outsideSince ?? time
            outsideSince = since
            if let worst = peak, self.excess(worst, limit: limit) >= excess {} else { peak = value }
            let peak = self.peak ?? value
            let event = Event(action: .raise, value: value, peak: peak, since: since, durationMillis: time - since)
            guard raisedAt != nil else {
                guard time - since >= profile.delayMillis else { return nil }
                raisedAt = time
                reportedPeak = peak
                reportedAt = time
                return event
            }
            let worsened = self.excess(peak, limit: limit) - self.excess(reportedPeak ?? peak, limit: limit)
            guard worsened >= profile.updatePeakStep || time - (reportedAt ?? time) >= profile.updateEveryMillis
            else { return nil }
            reportedPeak = peak
            reportedAt = time
            return Event(action: .update, value: value, peak: peak, since: since, durationMillis: time - since)
        }
        guard excess <= -hysteresis else {
            // In the margin band: not recovered, not (newly) outside.
            recoveredSince = nil
            return nil
        }
        guard raisedAt != nil, let since = outsideSince else {
            self = ExcursionTracker(direction: direction)
            return nil
        }
        let back = recoveredSince ?? time
        recoveredSince = back
        guard time - back >= profile.recoveryMillis else { return nil }
        let event = Event(action: .clear, value: value, peak: peak ?? value, since: since,
                          durationMillis: back - since)
        self = ExcursionTracker(direction: direction)
        return event
    }

    /// Forget an excursion whose limit no longer exists (the profile changed).
    mutating func reset() -> Event? {
        defer { self = ExcursionTracker(direction: direction) }
        guard raisedAt != nil, let since = outsideSince, let peak else { return nil }
        return Event(action: .clear, value: peak, peak: peak, since: since, durationMillis: 0)
    }
}
