import Foundation
import GatewayPorts
import KitchenModel
import KitchenRules
import StorageModel

extension AlarmEngine {
    public func acknowledge(id: String, by actor: String, note: String?) throws(AlarmActionError) -> AlarmRecord {
        try act(on: id) { record, now throws(LifecycleError) in
            try lifecycle.acknowledge(record, by: actor, at: now, note: note)
        }
    }

    public func rectify(id: String, by actor: String, action: String, evidence: [String])
        throws(AlarmActionError) -> AlarmRecord
    {
        try act(on: id) { record, now throws(LifecycleError) in
            try lifecycle.rectify(record, by: actor, action: action, evidence: evidence, at: now)
        }
    }

    public func close(id: String, by actor: String, note: String?) throws(AlarmActionError) -> AlarmRecord {
        try act(on: id) { record, now throws(LifecycleError) in
            try lifecycle.close(record, by: actor, at: now, note: note)
        }
    }

    /// Records a voice warning (一键喊话) as a step of the alarm's trail (`VoiceWarningService`).
    public func voiceWarning(id: String, by actor: String, note: String) throws(AlarmActionError) -> AlarmRecord {
        try act(on: id) { record, now throws(LifecycleError) in
            try lifecycle.voiceWarning(record, by: actor, note: note, at: now)
        }
    }

    /// Applies a person's action to an open alarm (or explains why a closed one refuses it).
    /// Decided under the engine lock, then committed by the committer after whatever was decided
    /// before it; the caller (an HTTP handler) waits for that commit, the lock is not held meanwhile.
    /// Returns the record as stored.
    private func act(on id: String, _ step: (AlarmRecord, EpochMillis) throws(LifecycleError) -> LifecycleStep)
        throws(AlarmActionError) -> AlarmRecord
    {
        let now = clock.now()
        // A closed alarm is only in the database: read it before taking the lock, not inside it.
        let isOpen = state.withLock { s in s.open.values.contains { $0.id == id } }
        let stored = isOpen ? nil : (try? store.alarm(id: id)).flatMap { $0 }.flatMap(AlarmRecord.decode)
        let result: Result<(AlarmRecord, CommitCompletion), AlarmActionError> = state.withLock { s in
            guard let record = s.open.values.first(where: { $0.id == id }) ?? stored,
                  let site = model.site(record.device.site)
            else {
                return .failure(.notFound(id))
            }
            do throws(LifecycleError) {
                let next = try step(record, now)
                commit(next, site: site, in: &s)
                let completion = CommitCompletion()
                handOff(&s, completion: completion)
                return .success((next.record, completion))
            } catch {
                return .failure(.refused(error))
            }
        }
        let (record, completion) = try result.get()
        guard completion.wait() else { throw .notRecorded(id) }
        return record
    }

    public func openAlarms(site: SiteID) -> [AlarmRecord] {
        // Filter under the lock, sort outside it.
        state.withLock { s in s.open.values.filter { $0.device.site == site } }.sorted { $0.raisedAt > $1.raisedAt }
    }

    public func openAlarmsWithRegion() -> [OpenAlarm] {
        // Copy under the lock, look regions up outside it (the registry is a value).
        let open = state.withLock { s in Array(s.open.values) }
        let registry = model.registry
        return open.compactMap { record in
            registry.site(record.device.site).map { OpenAlarm(record: record, region: $0.region.description) }
        }
    }

    public func status(of site: SiteID) -> SiteStatus {
        SiteTrafficLight.status(open: openAlarms(site: site))
    }
}
