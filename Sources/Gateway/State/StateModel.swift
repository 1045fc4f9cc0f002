import DeviceIngest
import KitchenModel
import StorageModel
import Synchronization

/// One state model per site, all held in one place: each device's presence, boot,
/// sequence tracking and last reading, plus per-site summaries.
///
/// All mutation happens under one lock held for microseconds per message; the MQTT
/// thread applies messages, the maintenance tick asks for replays, HTTP reads views.
public final class StateModel: Sendable {
    public struct Options: Sendable {
        /// Accept devices the registry does not list when they send a birth.
        public var provisioning = false
        /// Minimum time between two replay requests to one device.
        public var replayCooldownMillis: Int64 = 1_000
        /// How long to wait for a replay before asking again; doubled after each request that
        /// went unanswered (`replayWait(afterAttempts:)`).
        public var replayRetryMillis: Int64 = 10_000
        /// Replay requests per gap before it is given up and a rebirth is asked for.
        public var replayAttempts = 3
        public init() {}

        /// The wait after the `attempts`-th request: 10, 20, 40 s by default. A broker that is
        /// behind delivers a replay late; asking again at a fixed pace only queued more of them
        /// behind it (cluster chaos, session 11: replays were 44 % of the first sends with no fault).
        public func replayWait(afterAttempts attempts: Int) -> Int64 {
            replayRetryMillis << Int64(min(max(attempts - 1, 0), 3))
        }
    }

    struct Contents {
        var registry: Registry
        var devices: [DeviceKey: DeviceState] = [:]
        /// Stored state of devices not (or no longer) in the registry.
        var dormant: [DeviceKey: DeviceSnapshot] = [:]
        var withGaps: Set<DeviceKey> = []
        var provisioned: [DeviceKey: DeviceConfig] = [:]
    }

    public let startedAt: EpochMillis
    let options: Options
    let contents: Mutex<Contents>

    public init(registry: Registry, restoring snapshots: [DeviceSnapshot], provisioned: [DeviceConfig] = [],
                startedAt: EpochMillis, options: Options = Options()) {
        self.startedAt = startedAt
        self.options = options
        var contents = Contents(registry: registry)
        for snapshot in snapshots { contents.dormant[snapshot.key] = snapshot }
        for config in provisioned { contents.provisioned[config.key] = config }
        Self.install(registry, into: &contents)
        self.contents = Mutex(contents)
    }

    /// Swaps in a reloaded registry; devices keep their state, removed ones go dormant.
    public func replaceRegistry(_ registry: Registry) {
        contents.withLock { Self.install(registry, into: &$0) }
    }

    private static func install(_ fileRegistry: Registry, into c: inout Contents) {
        var registry = fileRegistry
        for config in c.provisioned.values where registry.device(config.key) == nil {
            try? registry.add(config)
        }
        for (key, state) in c.devices where registry.device(key) == nil {
            c.dormant[key] = state.snapshot()
            c.devices[key] = nil
            c.withGaps.remove(key)
        }
        for (key, config) in registry.devices {
            if c.devices[key] != nil {
                c.devices[key]!.config = config
            } else {
                let state = DeviceState(config: config, restoring: c.dormant.removeValue(forKey: key))
                if !state.tracker.gaps.isEmpty { c.withGaps.insert(key) }
                c.devices[key] = state
            }
        }
        c.registry = registry
    }

    public var registry: Registry { contents.withLock { $0.registry } }

    /// What the decoder needs to know about a topic's site and device.
    public func lookup(_ key: DeviceKey) -> DeviceLookup {
        contents.withLock { c in
            if let kind = c.withDevice(key, { $0.config.kind }) { return .known(kind) }
            return c.registry.site(key.site) == nil ? .unknownSite : .unknownDevice
        }
    }

    public func apply(_ message: DeviceMessage) -> IngestEffects {
        contents.withLock { c in
            var effects = Self.apply(message, to: &c, options: options)
            // A device bound to a third-party source does not speak `cmd`, whatever reached its topic.
            if !effects.commands.isEmpty, c.devices[message.key]?.config.source != nil { effects.commands.removeAll() }
            return effects
        }
    }

    /// Applies a message made by a third-party adapter. Those devices have no boot or seq, so
    /// the gateway numbers their telemetry and events itself, under the same lock that applies
    /// them: seq = last seq + 1 in the device's current boot (0 for a new device; `lastSeq`
    /// survives restarts in the device snapshot), device time = the adapter's trusted device
    /// time, else the receive time. Every message is therefore fresh: no duplicates, no gaps,
    /// and so never a replay or rebirth request. Returns the message as stamped, which is what
    /// the alarm engine must see.
    public func applyAdapted(_ message: DeviceMessage, deviceTime: EpochMillis?) -> (DeviceMessage, IngestEffects) {
        contents.withLock { c in
            guard let device = c.devices[message.key] else { return (message, IngestEffects(outcome: .staleBoot)) }
            var stamped = message
            let boot = device.tracker.boot ?? 0
            switch message.payload {
            case .telemetry, .event, .weigh:
                stamped.sequence = SequenceStamp(seq: (device.tracker.highest ?? 0) + 1,
                                                 deviceTime: deviceTime ?? message.receivedAt, boot: boot)
            case .state(let presence):
                // Adapters say boot 0; a device that spoke protocol v1 before keeps its boot.
                stamped.payload = .state(Presence(online: presence.online, boot: boot))
            case .birth, .snapshot, .frame:
                break
            }
            var effects = Self.apply(stamped, to: &c, options: options)
            effects.commands.removeAll()
            return (stamped, effects)
        }
    }

    private static func apply(_ message: DeviceMessage, to c: inout Contents, options: Options) -> IngestEffects {
        let key = message.key
        let now = message.receivedAt
        var provisioned: DeviceConfig?
        var index = c.devices.index(forKey: key)
        if index == nil {
            // The decoder only lets an unknown device through with a birth in provisioning mode.
            guard options.provisioning, case .birth(let birth) = message.payload,
                  c.registry.site(key.site) != nil
            else { return IngestEffects(outcome: .staleBoot) }
            let config = DeviceConfig(key: key, kind: birth.kind, zone: .ambient,
                                      intervalSeconds: birth.intervalSeconds, provisioned: true)
            try? c.registry.add(config)
            c.provisioned[key] = config
            c.devices[key] = DeviceState(config: config, restoring: c.dormant.removeValue(forKey: key))
            index = c.devices.index(forKey: key)
            provisioned = config
        }
        // In place, through the dictionary's modify accessor: copying the state out and back
        // hashed the key twice and retained (and copied on write) its fields, for every message.
        // By the index already found: `devices[key]!` hashed the key a second time.
        var hasGaps = false
        let effects = apply(message, to: &c.devices.values[index!], provisioned: provisioned, hasGaps: &hasGaps,
                            options: options)
        if hasGaps { c.withGaps.insert(key) } else if !c.withGaps.isEmpty { c.withGaps.remove(key) }
        return effects
    }

    /// `apply` for a device the model holds; `hasGaps` says afterwards whether it has open gaps.
    private static func apply(_ message: DeviceMessage, to device: inout DeviceState, provisioned: DeviceConfig?,
                              hasGaps: inout Bool, options: Options) -> IngestEffects {
        let key = message.key
        let now = message.receivedAt
        defer { hasGaps = !device.tracker.gaps.isEmpty }

        var effects: IngestEffects
        switch message.payload {
        case .birth(let birth):
            let buffer = birth.replayBuffer ?? DeviceState.defaultReplayBuffer
            guard let seen = device.tracker.announce(boot: birth.boot, nextSeq: birth.nextSeq, replayBuffer: buffer,
                                                     now: now)
            else { return IngestEffects(outcome: .staleBoot) }
            effects = IngestEffects(outcome: .accepted)
            effects.durable = true
            effects.lost = seen.lost
            device.lostCount += seen.lost
            device.model = birth.model
            device.firmware = birth.firmware
            device.intervalSeconds = birth.intervalSeconds
            device.replayBuffer = buffer
            device.setOnline(true, at: now)
            device.lastSeen = now
            // A reconnecting device is the best moment to ask again for what is missing.
            device.replayRequestedAt = nil
            for command in device.dueReplays(now: now, cooldown: 0) { effects.commands.append((key, command)) }

        case .state(let presence):
            if let boot = device.tracker.boot, presence.boot < boot { return IngestEffects(outcome: .staleBoot) }
            device.tracker.begin(boot: presence.boot)
            effects = IngestEffects(outcome: .accepted)
            effects.durable = true
            device.setOnline(presence.online, at: now)
            if presence.online { device.lastSeen = now }

        case .telemetry, .event, .weigh:
            guard let sequence = message.sequence else { return IngestEffects(outcome: .duplicate) }
            let seen = device.tracker.observe(seq: sequence.seq, boot: sequence.boot,
                                              replayBuffer: device.replayBuffer, now: now)
            device.lostCount += seen.lost
            guard seen.verdict != .duplicate else {
                device.duplicateCount += 1
                var duplicate = IngestEffects(outcome: .duplicate)
                duplicate.boot = seen.boot
                return duplicate
            }
            effects = IngestEffects(outcome: .accepted)
            effects.boot = seen.boot
            effects.lost = seen.lost
            if seen.recovered {
                effects.recovered = true
                device.lostCount = max(0, device.lostCount - 1)
            }
            if seen.verdict == .fillsGap { device.replayAttempts = 0 }  // replay is making progress
            device.lastSeen = now
            if !device.online { device.setOnline(true, at: now) }
            device.clockOffsetMillis = now - sequence.deviceTime
            // Room for this write and the snapshot below: one allocation per message, not three.
            effects.writes.reserveCapacity(2)
            if let write = sequencedWrite(message, sequence: sequence, boot: seen.boot, device: &device) {
                effects.writes.append(write)
            }
            // Events must be stored before the broker's ack. A weighing need not: its ticket is
            // committed before the reply, and a scale without a reply retries the same `req`.
            effects.durable = message.payload.isStoredBeforeAcknowledgement
            if seen.openedGap != nil {
                for command in device.dueReplays(now: now, cooldown: options.replayCooldownMillis) {
                    effects.commands.append((key, command))
                }
            }

        case .snapshot, .frame:
            effects = IngestEffects(outcome: .accepted)
            device.lastSeen = now
        }
        effects.provisioned = provisioned
        effects.kind = device.config.kind
        effects.writes.append(.device(device.snapshot()))
        return effects
    }

    private static func sequencedWrite(_ message: DeviceMessage, sequence: SequenceStamp, boot: Int64,
                                       device: inout DeviceState) -> WriteItem? {
        let key = message.key
        switch message.payload {
        case .telemetry(let readings):
            let reading = StoredReading(seq: sequence.seq, deviceTime: sequence.deviceTime,
                                        receivedAt: message.receivedAt, readings: readings)
            // A replayed old sample is stored but does not replace a newer "last reading".
            if (device.lastReading?.deviceTime ?? .min) <= sequence.deviceTime { device.lastReading = reading }
            return .reading(ReadingRecord(key: key, boot: boot, seq: sequence.seq, deviceTime: sequence.deviceTime,
                                          receivedAt: message.receivedAt, readings: readings))
        case .event(let body):
            return .event(EventRecord(key: key, boot: boot, seq: sequence.seq, deviceTime: sequence.deviceTime,
                                      receivedAt: message.receivedAt, type: body.type, json: EventJSON.encode(body)))
        case .weigh(let request):
            return .event(EventRecord(key: key, boot: boot, seq: sequence.seq, deviceTime: sequence.deviceTime,
                                      receivedAt: message.receivedAt, type: "weigh", json: EventJSON.encode(request)))
        default:
            return nil
        }
    }

    /// Periodic work: re-ask for replays that did not come, give up on gaps that
    /// exhausted their attempts (counted lost, followed by a rebirth request).
    public func tick(now: EpochMillis) -> IngestEffects {
        contents.withLock { c in
            var effects = IngestEffects(outcome: .accepted)
            for key in c.withGaps {
                // Third-party devices cannot replay; a gap on one is never chased.
                guard var device = c.devices[key], device.config.source == nil else { continue }
                let wait = options.replayWait(afterAttempts: device.replayAttempts)
                if device.replayAttempts >= options.replayAttempts,
                   let at = device.replayRequestedAt, now - at >= wait {
                    let abandoned = device.tracker.abandonGaps(openedBefore: now + 1)
                    let lost = abandoned.reduce(0) { $0 + $1.count }
                    device.lostCount += lost
                    effects.lost += lost
                    device.replayAttempts = 0
                    device.replayRequestedAt = nil
                    effects.commands.append((key, .rebirth))
                    effects.writes.append(.device(device.snapshot()))
                } else {
                    for command in device.dueReplays(now: now, cooldown: wait) {
                        effects.commands.append((key, command))
                    }
                }
                c.devices[key] = device
            }
            c.withGaps = c.withGaps.filter { !(c.devices[$0]?.tracker.gaps.isEmpty ?? true) }
            return effects
        }
    }

    /// Reads the state under the lock; keep `body` short.
    func read<T>(_ body: (borrowing Contents) -> T) -> T {
        contents.withLock { body($0) }
    }
}

extension DeviceState {
    /// Replay requests (one per boot with gaps) if something is missing and the last request is
    /// older than `cooldown`.
    mutating func dueReplays(now: EpochMillis, cooldown: Int64) -> [DeviceCommand] {
        let ranges = tracker.replayRanges
        guard !ranges.isEmpty else {
            replayAttempts = 0
            replayRequestedAt = nil
            return []
        }
        if let at = replayRequestedAt, now - at < cooldown { return [] }
        replayRequestedAt = now
        replayAttempts += 1
        return ranges.map { .replay(fromSeq: $0.fromSeq, boot: $0.boot == tracker.boot ? nil : $0.boot, toSeq: $0.toSeq) }
    }
}

extension StateModel.Contents {
    /// Runs `body` on one device's state in place (nil if the model does not hold the device).
    /// `devices[key]?.field` copied the whole `DeviceState`, retaining and releasing every field,
    /// to read one of them on every message (issue 13 item 8).
    mutating func withDevice<T>(_ key: DeviceKey, _ body: (inout DeviceState) -> T) -> T? {
        guard let index = devices.index(forKey: key) else { return nil }
        return body(&devices.values[index])
    }
}
