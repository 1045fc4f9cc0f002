import Foundation
import KitchenModel
import KitchenRules
import Logging
import StorageModel
import Synchronization

/// Turns the state model into action: feeds every accepted message and every clock tick
/// to the pure rules (`KitchenRules`), drives the resulting signals through the alarm
/// lifecycle, and for each batch of transitions commits alarm + audit row + webhook outbox in
/// one transaction before pushing them to the site's and the regulator's MQTT topics.
///
/// Decide under the lock, record outside it: `state` is held only while the rules run and the
/// open set changes; what was decided is handed, in order, to one serial committer
/// (`AlarmEngine+Commit.swift`) that writes and then publishes. The MQTT thread therefore never
/// waits on SQLite, nor on an HTTP action's transaction.
public final class AlarmEngine: Sendable {
    struct State {
        var devices: [DeviceKey: DeviceRuleState] = [:]
        /// Camera incident grouping and the class-3 digest, per site.
        var violations: [SiteID: ViolationRules] = [:]
        var open: [AlarmIdentity: AlarmRecord] = [:]
        var dirty: Set<DeviceKey> = []
        /// Dirty devices with a running delay: saved on the next tick, ahead of the rest.
        var urgent: Set<DeviceKey> = []
        var dirtySites: Set<SiteID> = []
        /// Decided in the current locked section, handed to the committer at its end.
        var decided: [Decided] = []
        /// Device commands (schedules) to publish once the lock is released.
        var commands: [(String, [UInt8])] = []
        /// Number of the next batch handed to the committer (they are committed in this order).
        var nextBatch: UInt64 = 0
    }

    let config: RuleConfig
    let lifecycle: AlarmLifecycle
    let store: any GatewayStore
    let model: StateModel
    let clock: any WallClock
    let logger: Logger
    let webhookTargets: [String]
    let publish: @Sendable (String, [UInt8]) -> Void
    let metrics: GatewayMetrics?
    let state = Mutex(State())
    /// Which registry schedule each controller's rules were built from.
    let appliedSchedules = Mutex<[DeviceKey: ScheduleSpec]>([:])
    /// The one serial committer: batches run in the order they were handed over.
    let committer = DispatchQueue(label: "bk.alarm-committer")
    /// Touched only on `committer`: which alarms were reconciled after a failed commit (see there).
    let reconciled = Mutex<[AlarmIdentity: UInt64]>([:])

    /// Rule state of a site's cameras is kept under this pseudo device id.
    static let violationsDevice = DeviceID("_violations")!

    public init(config: RuleConfig, store: any GatewayStore, model: StateModel, clock: any WallClock, logger: Logger,
                webhookTargets: [String], metrics: GatewayMetrics? = nil, restoringSites: Set<SiteID>? = nil,
                publish: @escaping @Sendable (String, [UInt8]) -> Void) throws {
        self.config = config
        self.lifecycle = AlarmLifecycle(config: config.lifecycle)
        self.store = store
        self.model = model
        self.clock = clock
        self.logger = logger
        self.webhookTargets = webhookTargets
        self.publish = publish
        self.metrics = metrics
        try restore(sites: restoringSites)
    }

    /// Reloads open alarms and rule state; readings from before this start count as stale.
    /// `sites`: only theirs (a shard's runtime restores its own sites, not another shard's).
    private func restore(sites: Set<SiteID>?) throws {
        let startedAt = model.startedAt
        let open = try store.openAlarms().filter { sites?.contains($0.site) ?? true }.compactMap(AlarmRecord.decode)
        let saved = try store.ruleStates().filter { sites?.contains($0.key.site) ?? true }
        let decoder = JSONDecoder()
        state.withLock { s in
            for record in open { s.open[record.identity] = record }
            for (key, json) in saved {
                if key.device == Self.violationsDevice {
                    s.violations[key.site] = try? decoder.decode(ViolationRules.self, from: Data(json.utf8))
                } else if var rules = try? decoder.decode(DeviceRuleState.self, from: Data(json.utf8)) {
                    rules.presence.gatewayStarted(at: startedAt)
                    s.devices[key] = rules
                }
            }
        }
        logger.info("alarms restored", metadata: ["open": "\(open.count)", "rule_states": "\(saved.count)"])
    }

    /// Feeds one accepted message to the rules.
    public func observe(_ message: DeviceMessage) {
        guard let device = model.ruleSubject(message.key) else { return }
        let lockStart = ContinuousClock.now
        // What a message stored before its PUBACK (birth, state, event) decided is stored before
        // the PUBACK too: the broker will not redeliver it, and a
        // redelivery would be a duplicate that no rule sees again. So its alarm must not sit in
        // the committer's queue when the handler returns. The wait is outside the engine lock.
        let durable = message.payload.isStoredBeforeAcknowledgement
        let (commands, completion) = state.withLock { s in
            if case .event = message.payload { LatencyProbe.record("alarm-lock-wait", LatencyProbe.ms(lockStart.duration(to: .now))) }
            var signals: [AlarmSignal] = []
            // In place, through the dictionary's modify accessor: copying the rules out and back
            // hashed the key twice and copied them for every message (issue 13 item 8).
            let running = decide(message, device: device,
                                 rules: &s.devices[device.key, default: DeviceRuleState(
                                     config: device.config, intervalSeconds: device.intervalSeconds, startedAt: model.startedAt)],
                                 signals: &signals, commands: &s.commands, decided: &s.decided,
                                 violations: &s.violations, dirtySites: &s.dirtySites)
            if running { s.urgent.insert(device.key) } else { s.dirty.insert(device.key) }
            if !signals.isEmpty {
                let site = device.site
                for signal in signals { apply(signal, site: site, in: &s) }
            }
            let completion = durable && !s.decided.isEmpty ? CommitCompletion() : nil
            handOff(&s, completion: completion)
            return (takeCommands(&s), completion)
        }
        for (topic, payload) in commands { publish(topic, payload) }
        if let completion, !completion.wait() {
            logger.error("an alarm decided from a stored message was not recorded",
                         metadata: ["device": "\(message.key)"])
        }
    }

    /// The rules' part of `observe`, on one device's rules (under the engine lock). Returns
    /// whether a delay or recovery timer is running afterwards.
    private func decide(_ message: DeviceMessage, device: RuleSubject, rules: inout DeviceRuleState,
                        signals: inout [AlarmSignal], commands: inout [(String, [UInt8])], decided: inout [Decided],
                        violations: inout [SiteID: ViolationRules], dirtySites: inout Set<SiteID>) -> Bool {
        rules.presence.intervalSeconds = device.intervalSeconds
        let time = message.sequence?.deviceTime ?? message.receivedAt
        switch message.payload {
        case .state(let presence) where !presence.online:
            signals += rules.presence.will(at: message.receivedAt, config: config.presence)
        default:
            signals += rules.presence.heard(at: message.receivedAt, config: config.presence)
        }
        if device.config.kind == .disinfector {
            ensureSchedule(&rules, device: device.config, site: device.site, now: message.receivedAt, commands: &commands)
        }
        switch message.payload {
        case .birth where rules.disinfection?.schedule != nil:
            // A (re)connected controller may have lost its schedule: send it again.
            sendSchedule(rules.disinfection!.scheduleCommandFields(), to: device.key, commands: &commands)
        case .telemetry(.thermo(let reading)):
            let profile = config.profile(for: device.key, zone: device.config.zone)
            if !rules.hasThermo { rules.thermo = ThermoRules(device: device.key) }
            signals += rules.modifyThermo { $0.observe(reading, at: time, profile: profile, sensor: config.sensor) } ?? []
        // Only disinfectors send these (the decoder checks the kind), and ensureSchedule above
        // has given every disinfector its rules.
        case .telemetry(.disinfector(let status)):
            signals += rules.modifyDisinfection { $0.observe(status: status, at: time, config: config.disinfection) }!
        case .event(.run(let run)):
            let verdict = rules.modifyDisinfection { $0.observe(run: run, at: time, config: config.disinfection) }!
            decided.append(.ledger(verdict.entry))
            signals += verdict.signals
        case .event(.detection(let detection)):
            let site = device.site
            var siteRules = violations[site.id] ?? ViolationRules(timeZone: site.hours.timeZone.identifier)
            signals += siteRules.observe(detection, camera: device.key, at: time, hours: site.hours,
                                         config: config.violations)
            violations[site.id] = siteRules
            dirtySites.insert(site.id)
        default:
            break
        }
        return rules.hasRunningTimer
    }

    /// Time-driven rules: silence, missed runs, incident windows, re-notification and cards.
    public func tick(now: EpochMillis) {
        let registry = model.registry
        let lockStart = ContinuousClock.now
        state.withLock { s in
            watchRegistered(registry, now: now, in: &s)
            var signals: [AlarmSignal] = []
            for key in s.devices.keys {
                let before = s.devices[key]!
                var rules = before
                signals += rules.presence.tick(now: now, config: config.presence)
                if rules.disinfection != nil {
                    signals += rules.disinfection!.tick(now: now, config: config.disinfection)
                }
                if rules.presence != before.presence || rules.disinfection != before.disinfection {
                    s.devices[key] = rules
                    s.dirty.insert(key)
                }
            }
            for site in Array(s.violations.keys) {
                signals += s.violations[site]!.tick(now: now, config: config.violations)
            }
            sendFinishedDigests(now: now, registry: registry, in: &s)
            for signal in signals {
                guard let site = registry.site(signal.device.site) else { continue }
                apply(signal, site: site, in: &s)
            }
            for record in Array(s.open.values) {
                guard let site = registry.site(record.device.site) else { continue }
                let step = lifecycle.due(record, now: now)
                guard !step.transitions.isEmpty || step.record != record else { continue }
                commit(step, site: site, in: &s)
            }
            handOff(&s)
        }
        // Devices with a running delay are saved every second; the rest (every reading touches
        // its device's state: stuck-value watch, battery hysteresis) trickle out 100 per second.
        // Writing them all each second filled the WAL at ~1 MB/s and the checkpoints it forced
        // stalled ingest commits for hundreds of milliseconds.
        LatencyProbe.record("tick-locked", LatencyProbe.ms(lockStart.duration(to: .now)))
        let persistStart = ContinuousClock.now
        persistRuleState(now: now)
        LatencyProbe.record("tick-persist", LatencyProbe.ms(persistStart.duration(to: .now)))
    }

    /// A registered device that has never spoken is watched too (a sensor that never reports
    /// is offline), but only once it is overdue, so idle registrations cost no rule state;
    /// removed devices are no longer judged.
    private func watchRegistered(_ registry: Registry, now: EpochMillis, in s: inout State) {
        for key in s.devices.keys where registry.device(key) == nil { s.devices[key] = nil }
        guard s.devices.count < registry.devices.count else { return }
        for (key, config) in registry.devices where s.devices[key] == nil {
            let interval = Int64(config.intervalSeconds) * 1_000
            guard now - model.startedAt >= Int64(self.config.presence.missedIntervals) * interval else { continue }
            let device = model.deviceState(key)
            s.devices[key] = DeviceRuleState(config: config, intervalSeconds: device?.intervalSeconds ?? config.intervalSeconds,
                                             startedAt: model.startedAt, lastHeardAt: device?.lastSeen)
        }
    }

    /// Writes the rule state of devices that changed since the last call: every device with a
    /// running delay, then at most `limit` others, so a burst (a whole province reconnecting)
    /// costs bounded memory and write time; the rest stays dirty for the next tick. Shutdown
    /// passes no limit.
    func persistRuleState(now: EpochMillis, limit: Int = 100) {
        // Shutdown: what was decided is stored before the rule state that follows from it.
        if limit == .max { waitForCommits() }
        let encoder = JSONEncoder()
        var remaining = true
        while remaining {
            // Copy under the lock, encode outside it: the MQTT thread must not wait on JSON.
            let (devices, sites): ([(DeviceKey, DeviceRuleState)], [(SiteID, ViolationRules)]) = state.withLock { s in
                var sites: [(SiteID, ViolationRules)] = []
                while sites.count < limit, let site = s.dirtySites.popFirst() {
                    if let rules = s.violations[site] { sites.append((site, rules)) }
                }
                var devices: [(DeviceKey, DeviceRuleState)] = []
                while let key = s.urgent.popFirst() {
                    s.dirty.remove(key)
                    if let rules = s.devices[key] { devices.append((key, rules)) }
                }
                while devices.count + sites.count < limit, let key = s.dirty.popFirst() {
                    if let rules = s.devices[key] { devices.append((key, rules)) }
                }
                remaining = !s.dirty.isEmpty || !s.dirtySites.isEmpty
                return (devices, sites)
            }
            var batch: [(DeviceKey, String)] = []
            for (site, rules) in sites {
                if let data = try? encoder.encode(rules) {
                    batch.append((DeviceKey(site: site, device: Self.violationsDevice), String(decoding: data, as: UTF8.self)))
                }
            }
            for (key, rules) in devices {
                if let data = try? encoder.encode(rules) { batch.append((key, String(decoding: data, as: UTF8.self))) }
            }
            do {
                try store.saveRuleStates(batch, now: now)
            } catch {
                logger.error("cannot save rule state", metadata: ["devices": "\(batch.count)", "error": "\(error)"])
                return
            }
            if limit != .max { return }
        }
    }

    private func apply(_ signal: AlarmSignal, site: SiteConfig, in s: inout State) {
        guard let step = lifecycle.apply(signal, to: s.open[signal.identity], newID: Self.newID) else { return }
        commit(step, site: site, in: &s)
    }

    /// Takes a step into the open set now and queues it for the committer; the open set is what
    /// later decisions build on. A failed commit puts back what the database holds
    /// (`reconcile` in AlarmEngine+Commit.swift).
    func commit(_ step: LifecycleStep, site: SiteConfig, in s: inout State) {
        let record = step.record
        let previous = s.open[record.identity]
        s.open[record.identity] = record.isOpen ? record : nil
        s.decided.append(.alarm(record, site: site, transitions: step.transitions, previous: previous))
    }

    static func newID() -> String {
        "al_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }
}
