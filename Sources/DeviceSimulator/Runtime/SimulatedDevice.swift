import KitchenModel
import Synchronization

/// One device's message stream: boot, seq, replay buffer and behaviour, behind one lock.
///
/// Live messages are published while the lock is held, so that a device's seq reaches the
/// broker in order even when the scheduler and a benchmark burst publish at the same time.
/// libmosquitto's publish only queues, so the lock is held for microseconds.
final class SimulatedDevice: Sendable {
    let key: DeviceKey
    let profile: DeviceProfile
    let topics: DeviceTopics
    let hours: OperatingHours
    let clock: SimulationClock
    let faults: FaultOptions
    let bufferCapacity: Int
    let stepSeconds: Double
    private let state: Mutex<Runtime>

    struct Runtime: Sendable {
        var model: DeviceModel
        var rng: SeededGenerator
        /// Faults draw from their own stream so that turning them on does not change the readings.
        var faultRNG: SeededGenerator
        var boot: Int64 = 0
        /// The boot whose birth went out. Until the current boot's birth has, sequenced messages
        /// are only recorded: published before it they would reach the gateway ahead of the birth
        /// whose `next_seq` tells it what the reconnection cost (found by scripts/chaos).
        var announcedBoot: Int64 = 0
        var seq: Int64 = 0
        var announced = false
        var lastStep: EpochMillis
        var lastTelemetry: EpochMillis?
        var buffer: ReplayBuffer
        var stats: Counters
        /// Every sequenced message and ticket reply, when the options ask for a ledger.
        var ledger: DeviceLedger?
    }

    struct Counters: Sendable {
        var published = 0, dropped = 0, unsent = 0, birthsSent = 0, replaysServed = 0, replayedMessages = 0
        var malformedSent = 0, ticketsReceived = 0, schedulesApplied = 0
    }

    init(site: SimulatedSite, profile: DeviceProfile, clock: SimulationClock, options: SimulatorOptions,
         fleetSeed: UInt64) {
        key = DeviceKey(site: site.id, device: profile.id)
        self.profile = profile
        topics = DeviceTopics(site: site.id, device: profile.id)
        hours = site.hours
        self.clock = clock
        faults = options.faults
        bufferCapacity = options.replayBuffer
        stepSeconds = DeviceModel.stepSeconds(for: profile)
        var rng = SeededGenerator(fleetSeed: fleetSeed, name: key.description)
        var tagSource = SeededGenerator(fleetSeed: 0, name: key.description)
        let tag = String(tagSource.next() % 0x100_0000, radix: 16)
        let model = DeviceModel(profile: profile, site: site, clock: clock, deviceTag: tag, rng: &rng)
        state = Mutex(Runtime(model: model, rng: rng,
                              faultRNG: SeededGenerator(fleetSeed: fleetSeed, name: key.description + "#faults"),
                              lastStep: clock.startWall, buffer: ReplayBuffer(capacity: options.replayBuffer),
                              stats: Counters(), ledger: options.keepLedger ? DeviceLedger() : nil))
    }

    /// The real time between two steps of this device.
    var stepDuration: Duration { clock.realDuration(simulatedSeconds: stepSeconds) }

    /// The interval announced in birth and in the registry: what the gateway will observe.
    var effectiveIntervalSeconds: Int {
        max(1, Int((Double(profile.intervalSeconds) / clock.speed).rounded()))
    }

    /// Called before each connection attempt: the Will must already carry the new boot.
    func beginBoot() -> Int64 {
        state.withLock { runtime in
            runtime.boot += 1
            return runtime.boot
        }
    }

    func presencePayload(online: Bool, boot: Int64) -> [UInt8] {
        PayloadWriter.object([.bool("online", online), .int("boot", boot)])
    }

    private func birthPayload(boot: Int64, nextSeq: Int64) -> [UInt8] {
        PayloadWriter.object([
            .string("kind", profile.kind.rawValue),
            .string("model", profile.model),
            .string("fw", profile.firmware),
            .int("boot", boot),
            .int("interval_s", effectiveIntervalSeconds),
            .int("buffer", bufferCapacity),
            .int("next_seq", nextSeq),
        ])
    }

    /// On every accepted connection: `birth`, then retained `state` online (firmware-specs' order).
    func announce(on link: DeviceLink) {
        state.withLock { runtime in
            if link.publish(topic: topics.birth, payload: birthPayload(boot: runtime.boot, nextSeq: runtime.seq + 1), qos: 1, retain: false) {
                runtime.stats.birthsSent += 1
                runtime.announcedBoot = runtime.boot
            }
            _ = link.publish(topic: topics.state, payload: presencePayload(online: true, boot: runtime.boot),
                             qos: 1, retain: true)
            if !runtime.announced {
                runtime.announced = true
                runtime.lastStep = clock.simulated(at: SimulationClock.wallNow())
            }
        }
    }

    /// A clean shutdown says goodbye itself, since the broker drops the Will on DISCONNECT.
    func farewell(on link: DeviceLink) {
        state.withLock { runtime in
            guard runtime.announced else { return }
            _ = link.publish(topic: topics.state, payload: presencePayload(online: false, boot: runtime.boot),
                             qos: 1, retain: true)
        }
    }

    /// Advances the behaviour to now and publishes what it produced. Returns the real delay to
    /// the next step.
    func step(on link: DeviceLink) -> Duration {
        let wall = SimulationClock.wallNow()
        let simulated = clock.simulated(at: wall)
        let stepped = state.withLock { runtime -> Bool in
            // Nothing is measured before the first birth, so the stream starts with one.
            guard runtime.announced else { return false }
            let ctx = StepContext(wall: wall, simulated: simulated,
                                  elapsed: Double(simulated - runtime.lastStep) / 1000,
                                  siteOpen: hours.isOpen(at: simulated), clock: clock,
                                  warmFridge: faults.warmFridge)
            runtime.lastStep = simulated
            var emissions = runtime.model.advance(ctx, rng: &runtime.rng)
            // Half a step of slack so scheduling jitter never skips a report.
            let due = Double(profile.intervalSeconds) * 1000 - stepSeconds * 500
            if runtime.lastTelemetry.map({ Double(simulated - $0) >= due }) ?? true {
                runtime.lastTelemetry = simulated
                emissions.insert(.telemetry(runtime.model.telemetry(ctx, rng: &runtime.rng)), at: 0)
            }
            for emission in emissions {
                record(emission, wall: wall, runtime: &runtime, link: link)
            }
            return true
        }
        return stepped ? stepDuration : .milliseconds(100)
    }

    enum BurstResult { case notAnnounced, recorded, published }

    /// One telemetry message right now, for benchmarks.
    func sendTelemetryNow(on link: DeviceLink) -> BurstResult {
        let wall = SimulationClock.wallNow()
        return state.withLock { runtime in
            guard runtime.announced else { return .notAnnounced }
            let ctx = StepContext(wall: wall, simulated: clock.simulated(at: wall), elapsed: 0,
                                  siteOpen: true, clock: clock, warmFridge: faults.warmFridge)
            let body = runtime.model.telemetry(ctx, rng: &runtime.rng)
            return record(.telemetry(body), wall: wall, runtime: &runtime, link: link) ? .published : .recorded
        }
    }

    /// Gives the message its seq, keeps it for replay and publishes it unless a fault says not to.
    @discardableResult
    private func record(_ emission: Emission, wall: EpochMillis, runtime: inout Runtime, link: DeviceLink) -> Bool {
        runtime.seq += 1
        let stamp: [JSONField] = [.int("seq", runtime.seq), .int("ts", wall), .int("boot", runtime.boot)]
        let topic: String, qos: Int, fields: [JSONField]
        switch emission {
        case .telemetry(let body):
            (topic, qos, fields) = (topics.telemetry, profile.telemetryQoS, stamp + body)
        case .event(let body):
            (topic, qos, fields) = (topics.event, 1, stamp + body)
        case .weigh(let prefix, let body):
            (topic, qos, fields) = (topics.weigh, 1, [.string("req", "\(prefix)-\(runtime.seq)")] + stamp + body)
        }
        let payload = PayloadWriter.object(fields)
        runtime.buffer.append(RecordedMessage(seq: runtime.seq, boot: runtime.boot, topic: topic, payload: payload))
        if runtime.ledger != nil {
            var req: String?
            if case .weigh(let prefix, _) = emission { req = "\(prefix)-\(runtime.seq)" }
            runtime.ledger!.sent.append(.init(boot: runtime.boot, seq: runtime.seq, req: req))
        }
        var published = false
        if runtime.faultRNG.chance(faults.dropRate) {
            runtime.stats.dropped += 1
        } else if runtime.announcedBoot == runtime.boot, link.publish(topic: topic, payload: payload, qos: qos, retain: false) {
            runtime.stats.published += 1
            published = true
        } else {
            runtime.stats.unsent += 1
        }
        if runtime.faultRNG.chance(faults.malformedRate) {
            let bad = MalformedPayload.make(kind: profile.kind, topics: topics, seq: runtime.seq, ts: wall,
                                            boot: runtime.boot, rng: &runtime.faultRNG)
            if link.publish(topic: bad.topic, payload: bad.payload, qos: 1, retain: false) {
                runtime.stats.malformedSent += 1
            }
        }
        return published
    }

    /// A message on the device's `cmd` topic. Anything it does not understand is ignored, as
    /// firmware would.
    func handle(command payload: [UInt8], on link: DeviceLink) -> DeviceCommand? {
        guard let command = DeviceCommand(json: payload) else { return nil }
        state.withLock { runtime in
            switch command {
            case .replay(let fromSeq, let boot, let toSeq):
                let messages = runtime.buffer.messages(fromSeq: fromSeq, boot: boot, toSeq: toSeq)
                var sent = 0
                for message in messages
                where link.publish(topic: message.topic, payload: message.payload, qos: 1, retain: false) {
                    sent += 1
                }
                runtime.stats.replaysServed += 1
                runtime.stats.replayedMessages += sent
            case .rebirth:
                if link.publish(topic: topics.birth, payload: birthPayload(boot: runtime.boot, nextSeq: runtime.seq + 1), qos: 1, retain: false) {
                    runtime.stats.birthsSent += 1
                }
            case .schedule(let fields):
                if runtime.model.apply(schedule: fields, now: clock.simulated(at: SimulationClock.wallNow())) {
                    runtime.stats.schedulesApplied += 1
                }
            }
        }
        return command
    }

    /// A `ticket` reply: counted, and kept in the ledger when there is one.
    func receiveTicket(_ payload: [UInt8]) {
        let reply = DeviceLedger.TicketReply(json: payload)
        state.withLock { runtime in
            runtime.stats.ticketsReceived += 1
            if runtime.ledger != nil, let reply { runtime.ledger!.replies.append(reply) }
        }
    }

    var ledger: DeviceLedger? { state.withLock { $0.ledger } }

    func stats(online: Bool) -> DeviceStats {
        state.withLock { runtime in
            let c = runtime.stats
            return DeviceStats(key: key, kind: profile.kind, boot: runtime.boot, lastSeq: runtime.seq,
                               published: c.published, dropped: c.dropped, unsent: c.unsent, birthsSent: c.birthsSent,
                               replaysServed: c.replaysServed, replayedMessages: c.replayedMessages,
                               malformedSent: c.malformedSent, ticketsReceived: c.ticketsReceived,
                               schedulesApplied: c.schedulesApplied, online: online)
        }
    }
}
