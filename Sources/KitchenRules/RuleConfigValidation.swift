import KitchenModel

/// A configuration value the rules cannot work with, named by its path in the configuration.
public struct RuleConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public var description: String { "\(path): \(problem)" }
}

extension RuleConfig {
    /// Every problem at once, so an operator fixes the file in one go; empty when usable.
    public func problems() -> [RuleConfigError] {
        var found: [RuleConfigError] = []
        func check(_ ok: Bool, _ path: String, _ problem: String) {
            if !ok { found.append(RuleConfigError(path: path, problem: problem)) }
        }
        for (name, profile) in zones {
            check(Zone(rawValue: name) != nil, "zones.\(name)",
                  "unknown zone (use one of \(Zone.allCases.map(\.rawValue).joined(separator: ", ")))")
            checkProfile(profile, "zones.\(name)", into: &found)
        }
        for (key, profile) in deviceOverrides {
            checkProfile(profile, "deviceOverrides.\(key)", into: &found)
        }
        check(sensor.minCelsius < sensor.maxCelsius, "sensor", "minCelsius must be below maxCelsius")
        check(sensor.batteryLowPercent <= sensor.batteryClearPercent, "sensor",
              "batteryClearPercent must be at least batteryLowPercent (hysteresis)")
        check(sensor.stuckAfterSeconds > 0, "sensor.stuckAfterSeconds", "must be positive")
        check(presence.missedIntervals >= 1, "presence.missedIntervals", "must be at least 1")
        check(disinfection.graceSeconds >= 0, "disinfection.graceSeconds", "must not be negative")
        check(disinfection.earlySeconds >= 0, "disinfection.earlySeconds", "must not be negative")
        check(disinfection.lampLifeHours > 0, "disinfection.lampLifeHours", "must be positive")
        for mode in disinfection.requirements.keys {
            check(DisinfectionMode(rawValue: mode) != nil, "disinfection.requirements.\(mode)", "unknown mode")
        }
        check((0...1).contains(violations.minScore), "violations.minScore", "must be between 0 and 1")
        check(violations.incidentWindowSeconds > 0, "violations.incidentWindowSeconds", "must be positive")
        check(lifecycle.renotifyEverySeconds >= 0, "lifecycle.renotifyEverySeconds", "must not be negative (0 turns reminders off)")
        check(lifecycle.yellowCardAfterDays < lifecycle.redCardAfterDays, "lifecycle",
              "yellowCardAfterDays must come before redCardAfterDays")
        check(lifecycle.class2DeadlineDays > 0, "lifecycle.class2DeadlineDays", "must be positive")
        return found
    }

    private func checkProfile(_ profile: ZoneProfile, _ path: String, into found: inout [RuleConfigError]) {
        // DOMAIN.md: delays are configurable from 0 to 2 h.
        if !(0...7_200).contains(profile.alarmDelaySeconds) {
            found.append(RuleConfigError(path: "\(path).alarmDelaySeconds", problem: "must be 0 to 7200 (2 h)"))
        }
        if let min = profile.minCelsius, let max = profile.maxCelsius, min >= max {
            found.append(RuleConfigError(path: path, problem: "minCelsius \(min) must be below maxCelsius \(max)"))
        }
        if profile.hysteresisCelsius < 0 || profile.hysteresisHumidity < 0 || profile.recoverySeconds < 0 {
            found.append(RuleConfigError(path: path, problem: "hysteresis and recovery must not be negative"))
        }
    }
}
