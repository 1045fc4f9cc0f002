import KitchenModel

/// Why a run failed its requirement.
public enum LedgerReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The run was shorter than the mode requires.
    case runTooShort = "run_too_short"
    /// The required temperature was never reached.
    case temperatureNotReached = "temperature_not_reached"
    /// Reached, but not held long enough.
    case holdTooShort = "hold_too_short"
    /// A heat mode reported no peak temperature, so reaching it cannot be shown.
    case noTemperatureReported = "no_temperature_reported"

    /// The alarm a failed reason raises.
    public var alarmKind: AlarmKind {
        self == .runTooShort ? .runTooShort : .temperatureNotReached
    }
}

/// One line of the disinfection ledger (消毒记录): every reported run, passed or not.
public struct LedgerEntry: Sendable, Hashable, Codable {
    @DeviceKeyCoded public var device: DeviceKey
    public var mode: DisinfectionMode
    public var start: EpochMillis
    public var end: EpochMillis
    public var peakCelsius: Double?
    public var holdSeconds: Double?
    /// The schedule slot this run served, if it fell in a slot's window.
    public var scheduledFor: EpochMillis?
    public var passed: Bool
    public var reasons: [LedgerReason]
    /// Caveats that did not fail the run (e.g. hold time not reported).
    public var notes: [String]

    public var durationSeconds: Double { Double(end - start) / 1_000 }

    /// Judges a run against its mode's requirement.
    public init(device: DeviceKey, run: DisinfectionRun, requirement: DisinfectionRequirement,
                scheduledFor: EpochMillis?) {
        self.device = device
        mode = run.mode
        start = run.start
        end = run.end
        peakCelsius = run.peakCelsius
        holdSeconds = run.holdSeconds
        self.scheduledFor = scheduledFor
        var reasons: [LedgerReason] = []
        var notes: [String] = []
        let duration = Double(run.end - run.start) / 1_000
        if let minRun = requirement.minRunSeconds, duration < minRun {
            reasons.append(.runTooShort)
        }
        if let minTemp = requirement.minCelsius {
            if let peak = run.peakCelsius {
                if peak < minTemp {
                    reasons.append(.temperatureNotReached)
                } else if let minHold = requirement.minHoldSeconds, !reasons.contains(.runTooShort) {
                    // A run too short to hold the temperature is one failure, not two.
                    if let hold = run.holdSeconds {
                        if hold < minHold { reasons.append(.holdTooShort) }
                    } else {
                        // `hold_s` is optional in the protocol; the run length is then the best
                        // evidence, and it has been judged above.
                        notes.append("hold time not reported; judged by run length")
                    }
                }
            } else {
                reasons.append(.noTemperatureReported)
            }
        }
        self.reasons = reasons
        self.notes = notes
        passed = reasons.isEmpty
    }
}
