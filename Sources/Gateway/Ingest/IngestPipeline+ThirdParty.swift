import DeviceAdapters
import DeviceIngest
import KitchenModel
import StorageModel

/// Tasmota, zigbee2mqtt, Shelly and Frigate messages (docs/third-party-devices.md): adapted by
/// the router, then stamped and applied like native ones.
extension IngestPipeline {
    func handleThirdParty(topic: String, payload: [UInt8], now: EpochMillis) {
        let outcome = router.withLock { $0.adapt(topic: topic, payload: payload, receivedAt: now) }
        switch outcome {
        case .notThirdParty, .ignored:
            // Subscribed filters carry more than readings (`<shelly>/status/...`, Frigate stats).
            return
        case .unmapped(let family, _):
            thirdPartyMetrics.unmapped(family)
        case .rejected(let rejection):
            reject(rejection, topic: topic, payload: payload, now: now)
        case .messages(let messages, let problems):
            for problem in problems {
                let rejection = Rejection(problem.rejection.reason, "for \(problem.key): \(problem.rejection.message)")
                reject(rejection, topic: topic, payload: payload, now: now)
            }
            for adapted in messages {
                let probeStart = ContinuousClock.now
                let (stamped, effects) = model.applyAdapted(adapted.message, deviceTime: adapted.deviceTime)
                commit(stamped, effects, topic: topic, probeStart: probeStart)
            }
        }
    }

    /// Rebinds the router to a (re)loaded registry and returns the topic filters it needs.
    /// State of devices still bound survives (a plug's run in progress); sources bound since they
    /// were counted leave the unmapped list, in memory and in the database.
    @discardableResult
    public func rebind(_ registry: Registry) -> [String] {
        let bindings: SourceBindings
        do {
            bindings = try RegistryFile.sourceBindings(registry)
        } catch {
            // `RegistryFile.load` refuses such a file; only a registry built in code gets here.
            logger.error("registry binds one reading twice; third-party devices unbound", metadata: ["error": "\(error)"])
            bindings = SourceBindings()
        }
        persistedUnmapped.withLock { persisted in
            router.withLock { $0.rebind(bindings) }
            persisted = persisted.filter { !bindings.binds(family: $0.key.family, sourceID: $0.key.sourceID) }
            forgetBoundUnmapped(bindings)
        }
        return bindings.topicFilters
    }

    /// The filters the current bindings need, for the first subscription.
    public var thirdPartyTopicFilters: [String] { router.withLock { $0.bindings.topicFilters } }

    /// Writes what the unmapped tally gained since the last call; the maintenance tick calls it,
    /// so `brightkitchen devices unmapped` (another process) reads it from the database.
    /// Counts are added to the stored ones, so they accumulate across restarts. Runs under
    /// `persistedUnmapped`'s lock, as does `rebind`, so a source bound meanwhile is not written back.
    public func persistUnmapped() {
        persistedUnmapped.withLock { persisted in
            let entries = router.withLock { $0.unmapped.list }
            let changes = entries.compactMap { entry -> UnmappedSourceRecord? in
                let before = persisted[entry.source] ?? 0
                // A source bound, unbound and counted again starts from 1 in the tally.
                let added = entry.count >= before ? entry.count - before : entry.count
                guard added > 0 else { return nil }
                return UnmappedSourceRecord(family: entry.source.family.rawValue, sourceID: entry.source.sourceID,
                                            count: Int64(added), firstSeen: entry.firstSeen, lastSeen: entry.lastSeen)
            }
            guard !changes.isEmpty else { return }
            do {
                try store.recordUnmapped(changes, keep: UnmappedTally.maxSources)
                for entry in entries { persisted[entry.source] = entry.count }
            } catch {
                logger.error("cannot record unmapped sources", metadata: ["error": "\(error)"])
            }
        }
    }

    private func forgetBoundUnmapped(_ bindings: SourceBindings) {
        do {
            let bound = try store.unmappedSources().filter { row in
                DeviceSource.Family(rawValue: row.family).map { bindings.binds(family: $0, sourceID: row.sourceID) } ?? true
            }
            guard !bound.isEmpty else { return }
            try store.forgetUnmapped(bound.map { ($0.family, $0.sourceID) })
            logger.info("bound sources left the unmapped list", metadata: ["count": "\(bound.count)"])
        } catch {
            logger.error("cannot update unmapped sources", metadata: ["error": "\(error)"])
        }
    }
}

/// Cameras pushing over HTTP (`CameraPushIntake`): their adapted messages take the same path.
extension IngestPipeline {
    /// Applies what an ISAPI or GA/T 1400 push made, under `topic` (`isapi/<camera>`,
    /// `gat1400/<DeviceID>`) for logs, the alarm engine and dead letters. Durable messages
    /// (detections, presence) are committed before this returns, so the camera's 200 means stored.
    func applyPushed(_ messages: [AdaptedMessage], topic: String) {
        for adapted in messages {
            let probeStart = ContinuousClock.now
            let (stamped, effects) = model.applyAdapted(adapted.message, deviceTime: adapted.deviceTime)
            commit(stamped, effects, topic: topic, probeStart: probeStart)
        }
    }

    /// A refused push in the dead-letter table (first 512 bytes), as MQTT rejects are.
    func deadLetterPush(reason: String, message: String, topic: String, payload: [UInt8], now: EpochMillis) {
        let record = RejectRecord(at: now, reason: reason, topic: String(topic.prefix(512)), message: message, payload: payload)
        try? writer.submit([.reject(record)])
    }

    /// The registry bindings as they stand (a reload swaps them under the router's lock).
    func pushBinding(_ family: DeviceSource.Family, id: String) -> Binding? {
        router.withLock { $0.bindings.pushBinding(family, id: id) }
    }

    func gat1400Binding(username: String) -> Binding? {
        router.withLock { $0.bindings.gat1400Binding(username: username) }
    }

    func recordUnmapped(_ family: DeviceSource.Family, _ sourceID: String, now: EpochMillis) {
        router.withLock { $0.recordUnmapped(family: family, sourceID: String(sourceID.prefix(128)), at: now) }
        thirdPartyMetrics.unmapped(family)
    }

    var pushLimits: IngestLimits { router.withLock { $0.limits } }
}
