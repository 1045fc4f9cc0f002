import KitchenModel

/// The sentences on thermometer alarms: what, where, how bad, for how long, what to do.
extension ThermoRules {
    func excursionSignal(_ event: ExcursionTracker.Event, _ kind: AlarmKind, limit: Double,
                         profile: ZoneProfile, at time: EpochMillis) -> AlarmSignal {
        let place = "\(profile.zone.placeZH)（\(device.device)）"
        let placeEN = "\(profile.zone.placeEN) \(device.device)"
        let isHumidity = kind == .humidityHigh
        let what = isHumidity ? "湿度" : "温度"
        let whatEN = isHumidity ? "humidity" : "temperature"
        let unit = isHumidity ? " %RH" : " °C"
        let value = MessageText.number(event.value) + unit
        let limitText = MessageText.number(limit) + unit
        let peak = MessageText.number(event.peak) + unit
        let side = kind == .tooCold ? "低于下限" : "超过上限"
        let sideEN = kind == .tooCold ? "below the" : "above the"
        let lasted = MessageText.durationZH(event.durationMillis)
        let lastedEN = MessageText.durationEN(event.durationMillis)
        let message: String, messageEN: String
        switch event.action {
        case .raise, .update:
            let advice = isHumidity ? "请检查通风除湿并查看库存食品" : "请检查设备和门封，评估食品是否需处置"
            message = "\(place)\(what) \(value)，\(side) \(limitText) 已 \(lasted)（峰值 \(peak)），\(advice)"
            messageEN = "\(placeEN) \(whatEN) \(value), \(sideEN) \(limitText) limit for \(lastedEN) (peak \(peak)); "
                + (isHumidity ? "check ventilation and the stored food." : "check the unit and door seals and assess the food.")
        case .clear:
            message = "\(place)\(what)已恢复至 \(value)；超限共 \(lasted)，峰值 \(peak)"
            messageEN = "\(placeEN) \(whatEN) back to \(value); out of limit for \(lastedEN), peak \(peak)."
        }
        return AlarmSignal(event.action, kind, device: device, at: time, detail: AlarmDetail(
            value: event.value, limit: limit, peak: event.peak, since: event.since,
            durationMillis: event.durationMillis, message: message, messageEN: messageEN))
    }

    func implausibleSignal(_ reading: ThermoReading, badCelsius: SensorLimits.Implausibility?,
                           at time: EpochMillis, sensor: SensorLimits) -> AlarmSignal {
        let value = badCelsius != nil ? reading.celsius : reading.humidity
        let shown = value.map { MessageText.number($0) + (badCelsius != nil ? " °C" : " %RH") } ?? "?"
        let why: String, whyEN: String
        switch badCelsius {
        case .powerOnValue?:
            why = "为探头上电默认值（85 °C）"; whyEN = "the probe's power-on value (85 °C)"
        case .disconnected?:
            why = "表示探头已断开（−127 °C）"; whyEN = "the probe's disconnected value (−127 °C)"
        case .sentinel?:
            why = "为传感器无效值"; whyEN = "a sensor sentinel value"
        case .outOfRange?, nil:
            let range = badCelsius != nil
                ? "\(MessageText.number(sensor.minCelsius))…\(MessageText.number(sensor.maxCelsius)) °C" : "0…100 %RH"
            why = "超出传感器量程 \(range)"; whyEN = "outside the sensor's range \(range)"
        }
        return AlarmSignal(.raise, .implausibleValue, device: device, at: time, detail: AlarmDetail(
            value: value, count: implausibleStreak,
            message: "\(device.device) 读数 \(shown) 不可信，\(why)；请检查探头接线与供电，此期间温度未受监控",
            messageEN: "\(device.device) reading \(shown) is implausible: \(whyEN); check probe wiring and power. "
                + "Temperature is not being monitored meanwhile."))
    }

    func implausibleCleared(_ reading: ThermoReading, at time: EpochMillis) -> AlarmSignal {
        AlarmSignal(.clear, .implausibleValue, device: device, at: time, detail: AlarmDetail(
            value: reading.celsius ?? reading.humidity,
            message: "\(device.device) 读数已恢复正常", messageEN: "\(device.device) readings are plausible again."))
    }

    func stuckSignal(_ action: AlarmSignal.Action, celsius: Double?, humidity: Double?, since: EpochMillis,
                     at time: EpochMillis) -> AlarmSignal {
        let shown = [celsius.map { MessageText.number($0) + " °C" }, humidity.map { MessageText.number($0) + " %RH" }]
            .compactMap { $0 }.joined(separator: " / ")
        let lasted = time - since
        let message = action == .clear
            ? "\(device.device) 读数已恢复变化"
            : "\(device.device) 读数 \(shown) 已 \(MessageText.durationZH(lasted)) 完全不变，传感器可能故障，请检查"
        let messageEN = action == .clear
            ? "\(device.device) readings are changing again."
            : "\(device.device) has read exactly \(shown) for \(MessageText.durationEN(lasted)); the sensor may be stuck."
        return AlarmSignal(action, .stuckValue, device: device, at: time, detail: AlarmDetail(
            value: celsius ?? humidity, since: since, durationMillis: lasted, message: message, messageEN: messageEN))
    }

    func batterySignal(_ action: AlarmSignal.Action, percent: Double, limit: Double, at time: EpochMillis) -> AlarmSignal {
        let shown = MessageText.number(percent)
        let message = action == .clear
            ? "\(device.device) 电量已恢复至 \(shown)%"
            : "\(device.device) 电量 \(shown)%，低于 \(MessageText.number(limit))%，请尽快更换电池"
        let messageEN = action == .clear
            ? "\(device.device) battery back to \(shown)%."
            : "\(device.device) battery at \(shown)%, below \(MessageText.number(limit))%; replace it soon."
        return AlarmSignal(action, .lowBattery, device: device, at: time, detail: AlarmDetail(
            value: percent, limit: limit, message: message, messageEN: messageEN))
    }
}
