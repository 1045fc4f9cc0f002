import KitchenModel

/// Turns a smart plug's switch state and power draw into a disinfector's status and runs.
///
/// A plain value the router keeps per bound plug; time is passed in. Rules:
/// - draw at or above `runWatts` is a run: the first such report starts it, the first report
///   below it (or the plug switched off) ends it and yields a `run` event from start to end.
///   Times are report times, so a run is only as exact as the plug's report period
///   (Tasmota `TelePeriod`; 10-60 s is a good setting for a UV lamp).
/// - switched on with draw below `faultBelowWatts` for `faultAfterSeconds` is a failed lamp:
///   status `fault` with code `lamp_failed`, until the draw recovers or the plug is switched off.
/// - a switch state or a draw not yet reported counts as unknown, never as a fault.
public struct PlugRunTracker: Hashable, Sendable {
    public static let lampFailedCode = "lamp_failed"

    public private(set) var switchedOn: Bool?
    public private(set) var watts: Double?
    public private(set) var runStartedAt: EpochMillis?
    public private(set) var lowDrawSince: EpochMillis?

    public init() {}

    public struct Observation: Hashable, Sendable {
        public var status: DisinfectorStatus
        public var completedRun: DisinfectionRun?
    }

    /// Records a report: `switchedOn` from Tasmota STATE `POWER`, `watts` from SENSOR `ENERGY`;
    /// either may be nil when the report does not carry it.
    public mutating func observe(switchedOn: Bool?, watts: Double?, at now: EpochMillis,
                                 plug: PlugDisinfector) -> Observation {
        if let switchedOn { self.switchedOn = switchedOn }
        if let watts { self.watts = watts }
        // A plug switched off draws nothing, whatever its last energy report said.
        let draw = self.switchedOn == false ? 0 : self.watts

        var completed: DisinfectionRun?
        if let draw, draw >= plug.runWatts {
            if runStartedAt == nil { runStartedAt = now }
            lowDrawSince = nil
            return Observation(status: DisinfectorStatus(state: .running), completedRun: nil)
        }
        if let start = runStartedAt, draw != nil {
            completed = DisinfectionRun(mode: plug.mode, start: start, end: max(start, now))
            runStartedAt = nil
        }

        guard self.switchedOn == true, let draw, draw < plug.faultBelowWatts else {
            lowDrawSince = nil
            return Observation(status: DisinfectorStatus(state: .idle), completedRun: completed)
        }
        let since = lowDrawSince ?? now
        lowDrawSince = since
        let failed = now - since >= Int64(plug.faultAfterSeconds) * 1000
        let status = failed ? DisinfectorStatus(state: .fault, faultCode: Self.lampFailedCode) : DisinfectorStatus(state: .idle)
        return Observation(status: status, completedRun: completed)
    }
}
