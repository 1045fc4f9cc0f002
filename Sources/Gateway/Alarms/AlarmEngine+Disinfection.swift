import Foundation
import KitchenModel
import KitchenRules
import StorageModel

extension AlarmEngine {
    /// The rules' schedule for a registry entry, resolved against the site's meal services.
    static func schedule(_ spec: ScheduleSpec, site: SiteConfig) -> DisinfectionSchedule? {
        switch spec.timing {
        case .times(let times):
            try? DisinfectionSchedule(mode: spec.mode, times: times, runMinutes: spec.runMinutes,
                                      timeZone: site.hours.timeZone.identifier)
        case .beforeService(let lead):
            .beforeEachService(site.hours, leadMinutes: lead, mode: spec.mode, runMinutes: spec.runMinutes)
        case .afterService(let lag):
            .afterEachService(site.hours, lagMinutes: lag, mode: spec.mode, runMinutes: spec.runMinutes)
        }
    }

    /// Keeps a controller's rules on the schedule the registry gives it now (it may have been
    /// reloaded), and pushes a changed schedule to the device.
    func ensureSchedule(_ rules: inout DeviceRuleState, device: DeviceConfig, site: SiteConfig, now: EpochMillis,
                        commands: inout [(String, [UInt8])]) {
        let changed = appliedSchedules.withLock { applied -> Bool in
            guard applied[device.key] != device.schedule || rules.disinfection == nil else { return false }
            applied[device.key] = device.schedule
            return true
        }
        guard changed else { return }
        let schedule = device.schedule.flatMap { Self.schedule($0, site: site) }
        if rules.disinfection == nil {
            rules.disinfection = DisinfectionRules(device: device.key, schedule: schedule, since: now)
        } else if rules.disinfection!.schedule != schedule {
            rules.disinfection!.reschedule(schedule, since: now)
        }
        if let schedule { sendSchedule(schedule.commandFields, to: device.key, commands: &commands) }
    }

    /// Queues a schedule command; the caller publishes it once the engine lock is released.
    func sendSchedule(_ fields: [String: String], to key: DeviceKey, commands: inout [(String, [UInt8])]) {
        // A plug or other third-party device does not speak our `cmd`; its schedule is only judged.
        guard model.deviceState(key)?.config.source == nil else { return }
        commands.append((Topic.device(key, .cmd).description, DeviceCommand.schedule(fields).jsonBytes()))
    }

    /// The ledger line of a judged run (encoded on the committer, not under the engine lock).
    static func ledgerRow(_ entry: LedgerEntry) -> LedgerRow {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = (try? String(decoding: encoder.encode(entry), as: UTF8.self)) ?? "{}"
        return LedgerRow(key: entry.device, start: entry.start, end: entry.end, mode: entry.mode.rawValue,
                         passed: entry.passed, scheduledFor: entry.scheduledFor, entryJSON: json)
    }
}
