import KitchenModel

/// The sentences on disinfection alarms.
extension DisinfectionRules {
    func runSignal(_ action: AlarmSignal.Action, _ kind: AlarmKind, entry: LedgerEntry,
                   config: DisinfectionConfig, at time: EpochMillis) -> AlarmSignal {
        let name = device.device.rawValue
        let requirement = config.requirement(for: entry.mode)
        let mode = entry.mode.nameZH
        let message: String, messageEN: String
        var value: Double?, limit: Double?
        if action == .clear {
            message = "\(name) \(mode)已达标运行"
            messageEN = "\(name) \(entry.mode.rawValue) run passed again."
        } else if kind == .runTooShort {
            value = entry.durationSeconds
            limit = requirement.minRunSeconds
            message = "\(name) \(mode)仅运行 \(MessageText.seconds(entry.durationSeconds))，"
                + "要求至少 \(MessageText.seconds(limit ?? 0))，本次消毒无效，请重新消毒"
            messageEN = "\(name) \(entry.mode.rawValue) ran only \(MessageText.secondsEN(entry.durationSeconds)), "
                + "needs \(MessageText.secondsEN(limit ?? 0)); disinfect again."
        } else {
            value = entry.peakCelsius
            limit = requirement.minCelsius
            let need = "\(MessageText.number(limit ?? 0)) °C 保持 \(MessageText.seconds(requirement.minHoldSeconds ?? 0))"
            let needEN = "\(MessageText.number(limit ?? 0)) °C for \(MessageText.secondsEN(requirement.minHoldSeconds ?? 0))"
            if entry.reasons.contains(.noTemperatureReported) {
                message = "\(name) \(mode)未上报温度，无法确认达到 \(need)，请检查设备"
                messageEN = "\(name) reported no temperature; cannot show \(needEN) was reached."
            } else if entry.reasons.contains(.temperatureNotReached) {
                message = "\(name) \(mode)最高温度 \(MessageText.number(entry.peakCelsius ?? 0)) °C，未达到 \(need)，本次消毒无效，请检修后重新消毒"
                messageEN = "\(name) peaked at \(MessageText.number(entry.peakCelsius ?? 0)) °C, short of \(needEN); disinfect again."
            } else {
                value = entry.holdSeconds
                limit = requirement.minHoldSeconds
                message = "\(name) \(mode)达到温度后仅保持 \(MessageText.seconds(entry.holdSeconds ?? 0))，要求 \(need)，请重新消毒"
                messageEN = "\(name) held temperature only \(MessageText.secondsEN(entry.holdSeconds ?? 0)), needs \(needEN)."
            }
        }
        return AlarmSignal(action, kind, device: device, at: time, detail: AlarmDetail(
            value: value, limit: limit, since: entry.start, durationMillis: entry.end - entry.start,
            count: action == .clear ? nil : failedRuns[kind], scheduledFor: entry.scheduledFor,
            message: message, messageEN: messageEN))
    }

    func statusSignal(_ action: AlarmSignal.Action, _ kind: AlarmKind, value: Double, limit: Double,
                      at time: EpochMillis) -> AlarmSignal {
        let name = device.device.rawValue
        let v = MessageText.number(value), l = MessageText.number(limit)
        let message: String, messageEN: String
        switch (kind, action) {
        case (.uvLow, .clear):
            message = "\(name) 紫外线强度已恢复至 \(v) µW/cm²"
            messageEN = "\(name) UV irradiance back to \(v) µW/cm²."
        case (.uvLow, _):
            message = "\(name) 紫外线强度 \(v) µW/cm²，低于 \(l) µW/cm²，消毒效果不足，请清洁或更换灯管"
            messageEN = "\(name) UV irradiance \(v) µW/cm², below \(l); clean or replace the lamp."
        case (_, .clear):
            message = "\(name) 紫外灯已更换（累计 \(v) 小时）"
            messageEN = "\(name) UV lamp replaced (\(v) h)."
        default:
            message = "\(name) 紫外灯已使用 \(v) 小时，超过设定寿命 \(l) 小时，请更换灯管"
            messageEN = "\(name) UV lamp at \(v) h, past its \(l) h life; replace it."
        }
        return AlarmSignal(action, kind, device: device, at: time, detail: AlarmDetail(
            value: value, limit: limit, message: message, messageEN: messageEN))
    }

    func faultSignal(_ action: AlarmSignal.Action, code: String, at time: EpochMillis) -> AlarmSignal {
        let name = device.device.rawValue
        let message = action == .clear
            ? "\(name) 故障已解除（故障码 \(code)）"
            : "\(name) 消毒设备故障，故障码 \(code)，请联系维修，故障期间请人工消毒并记录"
        let messageEN = action == .clear
            ? "\(name) fault \(code) cleared."
            : "\(name) controller fault \(code); call for repair and disinfect by hand meanwhile."
        return AlarmSignal(action, .controllerFault, device: device, at: time, detail: AlarmDetail(
            code: code, message: message, messageEN: messageEN))
    }

    func missedSignal(_ action: AlarmSignal.Action, slot: EpochMillis, schedule: DisinfectionSchedule,
                      at time: EpochMillis) -> AlarmSignal {
        let name = device.device.rawValue
        let clock = LocalTime.clock(slot, in: LocalTime.timeZone(schedule.timeZone))
        return AlarmSignal(action, .runMissed, device: device, at: time, detail: AlarmDetail(
            since: slot, count: missedSlots, scheduledFor: slot,
            message: "\(name) 计划于 \(clock) 的\(schedule.mode.nameZH)未运行（累计 \(missedSlots) 次），请立即检查设备并补做消毒",
            messageEN: "\(name) did not run its \(clock) \(schedule.mode.rawValue) disinfection (\(missedSlots) missed); check it and disinfect now."))
    }
}
