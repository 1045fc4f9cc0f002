import Foundation
import KitchenModel
import KitchenRules
import Storage

/// Why a person's action on an alarm was refused.
public enum AlarmActionError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case refused(LifecycleError)

    public var description: String {
        switch self {
        case .notFound(let id): "no alarm '\(id)'"
        case .refused(let error): error.description
        }
    }
}

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

    /// Applies a person's action to an open alarm (or explains why a closed one refuses it).
    private func act(on id: String, _ step: (AlarmRecord, EpochMillis) throws(LifecycleError) -> LifecycleStep)
        throws(AlarmActionError) -> AlarmRecord
    {
        let now = clock.now()
        let result: Result<AlarmRecord, AlarmActionError> = state.withLock { s in
            let record = s.open.values.first { $0.id == id }
                ?? (try? store.alarm(id: id)).flatMap { $0 }.flatMap(AlarmRecord.decode)
            guard let record, let site = model.site(record.device.site) else {
                return .failure(.notFound(id))
            }
            do throws(LifecycleError) {
                let next = try step(record, now)
                commit(next, site: site, in: &s)
                return .success(next.record)
            } catch {
                return .failure(.refused(error))
            }
        }
        return try result.get()
    }

    public func openAlarms(site: SiteID) -> [AlarmRecord] {
        state.withLock { s in
            s.open.values.filter { $0.device.site == site }.sorted { $0.raisedAt > $1.raisedAt }
        }
    }

    public func status(of site: SiteID) -> SiteStatus {
        SiteTrafficLight.status(open: openAlarms(site: site))
    }
}
