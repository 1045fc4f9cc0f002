import KitchenModel

/// Everything the gateway must remember about one thermometer/hygrometer to judge its next
/// reading: open excursions, sensor-fault watches and the dashboard status. Persist it (JSON)
/// with the device so running delays and open alarms survive a restart.
public struct ThermoRules: Sendable, Hashable, Codable {
    @DeviceKeyCoded public var device: DeviceKey
    public private(set) var tooWarm = ExcursionTracker(direction: .above)
    public private(set) var tooCold = ExcursionTracker(direction: .below)
    public private(set) var humidityHigh = ExcursionTracker(direction: .above)
    /// Time of the newest reading judged; older readings (replays) are not judged again.
    public private(set) var lastObservedAt: EpochMillis?
    /// The newest plausible values.
    public private(set) var lastCelsius: Double?
    public private(set) var lastHumidity: Double?
    public private(set) var zoneStatus: ZoneStatus = .unknown

    public private(set) var implausibleStreak = 0
    public private(set) var implausibleRaised = false
    /// The reading being watched for staying exactly constant, and since when.
    public private(set) var constantCelsius: Double?
    public private(set) var constantHumidity: Double?
    public private(set) var constantSince: EpochMillis?
    public private(set) var stuckRaised = false
    public private(set) var batteryLowRaised = false

    public init(device: DeviceKey) {
        self.device = device
    }

    /// Judges one reading. `time` should be the reading's own time (device time, validated by
    /// ingest); a reading older than the newest one judged returns no signals, because a replayed
    /// past cannot be re-lived by the delay and recovery timers (it is still stored).
    public mutating func observe(_ reading: ThermoReading, at time: EpochMillis, profile: ZoneProfile,
                                 sensor: SensorLimits) -> [AlarmSignal] {
        if let last = lastObservedAt, time < last { return [] }
        lastObservedAt = time
        var signals: [AlarmSignal] = []

        if let battery = reading.battery {
            judgeBattery(battery, at: time, sensor: sensor, into: &signals)
        }

        let badCelsius = reading.celsius.flatMap(sensor.implausibility(ofCelsius:))
        let badHumidity = reading.humidity.flatMap(sensor.implausibility(ofHumidity:))
        let celsius = badCelsius == nil ? reading.celsius : nil
        let humidity = badHumidity == nil ? reading.humidity : nil
        if badCelsius != nil || badHumidity != nil {
            implausibleStreak += 1
            if !implausibleRaised, implausibleStreak >= max(1, sensor.implausibleAfterReadings) {
                implausibleRaised = true
                signals.append(implausibleSignal(reading, badCelsius: badCelsius, at: time, sensor: sensor))
            }
        } else if celsius != nil || humidity != nil {
            implausibleStreak = 0
            if implausibleRaised {
                implausibleRaised = false
                signals.append(implausibleCleared(reading, at: time))
            }
        }

        // Implausible readings feed neither the excursion timers nor the stuck watch: a probe
        // reading 85.0 °C at power-on is not a warm fridge.
        if badCelsius == nil, badHumidity == nil, celsius != nil || humidity != nil {
            judgeConstancy(celsius: celsius, humidity: humidity, at: time, sensor: sensor, into: &signals)
        }
        if let celsius {
            var warm = tooWarm, cold = tooCold
            judge(&warm, .tooWarm, value: celsius, limit: profile.maxCelsius, at: time, profile: profile,
                  hysteresis: profile.hysteresisCelsius, into: &signals)
            judge(&cold, .tooCold, value: celsius, limit: profile.minCelsius, at: time, profile: profile,
                  hysteresis: profile.hysteresisCelsius, into: &signals)
            tooWarm = warm
            tooCold = cold
            lastCelsius = celsius
        }
        if let humidity {
            var humid = humidityHigh
            judge(&humid, .humidityHigh, value: humidity, limit: profile.maxHumidity, at: time,
                  profile: profile, hysteresis: profile.hysteresisHumidity, into: &signals)
            humidityHigh = humid
            lastHumidity = humidity
        }
        zoneStatus = status(profile: profile, latestImplausible: badCelsius != nil || badHumidity != nil)
        return signals
    }

    private func judge(_ tracker: inout ExcursionTracker, _ kind: AlarmKind, value: Double,
                                limit: Double?, at time: EpochMillis, profile: ZoneProfile,
                                hysteresis: Double, into signals: inout [AlarmSignal]) {
        guard let limit else {
            // The profile lost this limit (reconfigured): an open excursion ends here.
            if let event = tracker.reset() {
                signals.append(excursionSignal(event, kind, limit: value, profile: profile, at: time))
            }
            return
        }
        if let event = tracker.observe(value, at: time, limit: limit, profile: profile, hysteresis: hysteresis) {
            signals.append(excursionSignal(event, kind, limit: limit, profile: profile, at: time))
        }
    }

    private mutating func judgeConstancy(celsius: Double?, humidity: Double?, at time: EpochMillis,
                                         sensor: SensorLimits, into signals: inout [AlarmSignal]) {
        if constantSince != nil, celsius == constantCelsius, humidity == constantHumidity {
            let since = constantSince ?? time
            if sensor.detectsStuck, !stuckRaised, time - since >= Millis.seconds(sensor.stuckAfterSeconds) {
                stuckRaised = true
                signals.append(stuckSignal(.raise, celsius: celsius, humidity: humidity, since: since, at: time))
            }
            return
        }
        if stuckRaised {
            stuckRaised = false
            signals.append(stuckSignal(.clear, celsius: celsius, humidity: humidity,
                                       since: constantSince ?? time, at: time))
        }
        constantCelsius = celsius
        constantHumidity = humidity
        constantSince = time
    }

    private mutating func judgeBattery(_ percent: Double, at time: EpochMillis, sensor: SensorLimits,
                                       into signals: inout [AlarmSignal]) {
        if !batteryLowRaised, percent < sensor.batteryLowPercent {
            batteryLowRaised = true
            signals.append(batterySignal(.raise, percent: percent, limit: sensor.batteryLowPercent, at: time))
        } else if batteryLowRaised, percent >= sensor.batteryClearPercent {
            batteryLowRaised = false
            signals.append(batterySignal(.clear, percent: percent, limit: sensor.batteryClearPercent, at: time))
        }
    }

    private func status(profile: ZoneProfile, latestImplausible: Bool) -> ZoneStatus {
        if tooWarm.isRaised || tooCold.isRaised || humidityHigh.isRaised { return .alarm }
        if latestImplausible || (lastCelsius == nil && lastHumidity == nil) { return .unknown }
        if tooWarm.isOutside || tooCold.isOutside || humidityHigh.isOutside { return .warning }
        if let t = lastCelsius {
            if let max = profile.maxCelsius, t > max - profile.warningBandCelsius { return .warning }
            if let min = profile.minCelsius, t < min + profile.warningBandCelsius { return .warning }
        }
        if let h = lastHumidity, let max = profile.maxHumidity, h > max - profile.warningBandHumidity {
            return .warning
        }
        return .ok
    }
}
