import KitchenModel

/// A judged run: its ledger line and the alarm signals it causes.
public struct RunVerdict: Sendable, Hashable, Codable {
    public var entry: LedgerEntry
    public var signals: [AlarmSignal]
}

/// Everything the gateway remembers about one disinfection controller: its schedule, the runs
/// it has started recently, and which of its faults are open.
public struct DisinfectionRules: Sendable, Hashable, Codable {
    @DeviceKeyCoded public var device: DeviceKey
    /// The schedule pushed to the controller; nil for controllers run by hand (no `run_missed`).
    public private(set) var schedule: DisinfectionSchedule?
    /// Slots at or before this instant have been judged.
    public private(set) var checkedThrough: EpochMillis
    /// Starts of recent runs (from `run` events and idle→running transitions), newest last.
    public private(set) var recentStarts: [EpochMillis] = []
    public private(set) var lastState: DisinfectorState?
    public private(set) var open: Set<AlarmKind> = []
    public private(set) var faultCode: String?
    public private(set) var missedSlots: Int = 0
    public private(set) var failedRuns: [AlarmKind: Int] = [:]

    /// - Parameter since: slots before this instant are never judged (installation, or a new schedule).
    public init(device: DeviceKey, schedule: DisinfectionSchedule?, since: EpochMillis) {
        self.device = device
        self.schedule = schedule
        checkedThrough = since
    }

    /// Replaces the schedule (re-push it to the controller too); slots before `since` are not judged.
    public mutating func reschedule(_ schedule: DisinfectionSchedule?, since: EpochMillis) {
        self.schedule = schedule
        checkedThrough = max(checkedThrough, since)
    }

    /// The fields for `{"cmd":"schedule", ...}`; send after every `birth` too. Empty when unscheduled.
    public func scheduleCommandFields() -> [String: String] {
        schedule?.commandFields ?? [:]
    }

    /// A finished run reported by the controller (`event` of type `run`).
    public mutating func observe(run: DisinfectionRun, at time: EpochMillis,
                                 config: DisinfectionConfig = DisinfectionConfig()) -> RunVerdict {
        var signals = noteStart(run.start, at: time)
        let entry = LedgerEntry(device: device, run: run, requirement: config.requirement(for: run.mode),
                                scheduledFor: slot(servedBy: run.start, config: config))
        let failed = Set(entry.reasons.map(\.alarmKind))
        for kind in [AlarmKind.runTooShort, .temperatureNotReached] {
            if failed.contains(kind) {
                failedRuns[kind, default: 0] += 1
                let action: AlarmSignal.Action = open.contains(kind) ? .update : .raise
                open.insert(kind)
                signals.append(runSignal(action, kind, entry: entry, config: config, at: time))
            } else if entry.passed, open.contains(kind) {
                // A passing run is the corrective evidence: the condition is over.
                open.remove(kind)
                failedRuns[kind] = nil
                signals.append(runSignal(.clear, kind, entry: entry, config: config, at: time))
            }
        }
        return RunVerdict(entry: entry, signals: signals)
    }

    /// A controller status (`telemetry`).
    public mutating func observe(status: DisinfectorStatus, at time: EpochMillis,
                                 config: DisinfectionConfig = DisinfectionConfig()) -> [AlarmSignal] {
        var signals: [AlarmSignal] = []
        if status.state == .running, lastState != .running {
            signals += noteStart(time, at: time)
        }
        lastState = status.state

        // Irradiance is only meaningful with the lamp on; an idle lamp reads 0. The alarm stays
        // open until a running reading is good again.
        if status.state == .running, let uv = status.irradiance {
            if uv < config.minUVIrradiance, !open.contains(.uvLow) {
                open.insert(.uvLow)
                signals.append(statusSignal(.raise, .uvLow, value: uv, limit: config.minUVIrradiance, at: time))
            } else if uv >= config.minUVIrradiance, open.contains(.uvLow) {
                open.remove(.uvLow)
                signals.append(statusSignal(.clear, .uvLow, value: uv, limit: config.minUVIrradiance, at: time))
            }
        }
        if let hours = status.lampHours {
            if hours >= config.lampLifeHours, !open.contains(.lampExpired) {
                open.insert(.lampExpired)
                signals.append(statusSignal(.raise, .lampExpired, value: hours, limit: config.lampLifeHours, at: time))
            } else if hours < config.lampLifeHours, open.contains(.lampExpired) {
                // The counter went back: the lamp was replaced.
                open.remove(.lampExpired)
                signals.append(statusSignal(.clear, .lampExpired, value: hours, limit: config.lampLifeHours, at: time))
            }
        }
        if status.state == .fault {
            let code = status.faultCode ?? "unknown"
            if !open.contains(.controllerFault) {
                open.insert(.controllerFault)
                faultCode = code
                signals.append(faultSignal(.raise, code: code, at: time))
            } else if code != faultCode {
                faultCode = code
                signals.append(faultSignal(.update, code: code, at: time))
            }
        } else if open.contains(.controllerFault) {
            open.remove(.controllerFault)
            let code = faultCode ?? "unknown"
            faultCode = nil
            signals.append(faultSignal(.clear, code: code, at: time))
        }
        return signals
    }

    /// Judges schedule slots whose grace period has passed. Call on every scheduler tick.
    public mutating func tick(now: EpochMillis, config: DisinfectionConfig = DisinfectionConfig()) -> [AlarmSignal] {
        let judgeable = now - config.graceMillis
        guard let schedule, judgeable > checkedThrough else { return [] }
        var signals: [AlarmSignal] = []
        for slot in schedule.slots(after: checkedThrough, through: judgeable) where !served(slot, config: config) {
            missedSlots += 1
            let action: AlarmSignal.Action = open.contains(.runMissed) ? .update : .raise
            open.insert(.runMissed)
            signals.append(missedSignal(action, slot: slot, schedule: schedule, at: now))
        }
        checkedThrough = judgeable
        // Starts older than any slot still to be judged can no longer matter.
        let horizon = judgeable - config.graceMillis - config.earlyMillis
        recentStarts.removeAll { $0 < horizon }
        return signals
    }

    private mutating func noteStart(_ start: EpochMillis, at time: EpochMillis) -> [AlarmSignal] {
        if !recentStarts.contains(start) {
            recentStarts.append(start)
            recentStarts.sort()
            if recentStarts.count > 64 { recentStarts.removeFirst(recentStarts.count - 64) }
        }
        // A run started (even one reported late): the controller works, the missed-run condition
        // is over. The missed slots stay on the alarm record until someone acknowledges it.
        guard open.contains(.runMissed) else { return [] }
        open.remove(.runMissed)
        let count = missedSlots
        missedSlots = 0
        return [AlarmSignal(.clear, .runMissed, device: device, at: time, detail: AlarmDetail(
            count: count,
            message: "\(device.device) 已恢复按计划运行",
            messageEN: "\(device.device) has started a run again."))]
    }

    private func served(_ slot: EpochMillis, config: DisinfectionConfig) -> Bool {
        recentStarts.contains { $0 >= slot - config.earlyMillis && $0 <= slot + config.graceMillis }
    }

    private func slot(servedBy start: EpochMillis, config: DisinfectionConfig) -> EpochMillis? {
        guard let schedule else { return nil }
        let candidates = schedule.slots(after: start - config.graceMillis - 1, through: start + config.earlyMillis)
        return candidates.min { abs($0 - start) < abs($1 - start) }
    }
}
