import Dispatch
import Foundation
import KitchenModel
import KitchenRules
import StorageModel
import Synchronization

/// What a locked section decided and the committer records.
enum Decided: Sendable {
    /// One lifecycle step: its transitions (none for a silent change of the record), and the open
    /// record it replaced, in case the commit fails and the database cannot be read either.
    case alarm(AlarmRecord, site: SiteConfig, transitions: [Transition], previous: AlarmRecord?)
    /// A judged disinfection run for the ledger.
    case ledger(LedgerEntry)
    /// A finished day's class-3 digest, for the webhooks and both digest topics.
    case digest(site: SiteID, region: RegionCode, body: [UInt8])
}

/// An API action's wait for its batch: the HTTP caller waits, the MQTT thread never does.
final class CommitCompletion: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex<Bool>(false)

    func finish(stored: Bool) {
        outcome.withLock { $0 = stored }
        done.signal()
    }

    /// Whether the batch was stored (and published).
    func wait() -> Bool {
        done.wait()
        return outcome.withLock { $0 }
    }
}

/// The committer. Each locked section ends with `handOff`, which numbers what it decided and
/// queues it on the serial `committer` queue; that queue writes a batch in ONE transaction
/// (alarm + trail + outbox, ledger lines, digests), and only after the commit publishes it.
/// Batches are numbered and queued under the engine lock, so they are committed and published
/// in the order they were decided: an alarm's transitions never overtake each other.
///
/// A commit that fails for a passing reason (a PostgreSQL connection or primary lost:
/// `TransientStoreError`) is retried for up to `commitRetryBudget`, the store's alarm writes being
/// idempotent. Any other failed commit (disk full, I/O error, a write lock held past the busy
/// timeout), or one still failing after that: nothing of
/// the batch is stored or published, as before when a transition's write failed. The open set,
/// which took the batch's steps when they were decided, is put back to what the database holds
/// for each of the batch's alarms (or, if that cannot be read, to the record before the step),
/// and steps for those alarms decided in the meantime (built on the lost step) are dropped, so
/// memory, database and what subscribers saw still agree. Rule state moves on, as before.
extension AlarmEngine {
    /// Hands what this locked section decided to the committer. Call with the lock held.
    func handOff(_ s: inout State, completion: CommitCompletion? = nil) {
        guard !s.decided.isEmpty || completion != nil else { return }
        let batch = s.decided
        let number = s.nextBatch
        s.decided = []
        s.nextBatch += 1
        committer.async { self.record(batch, number: number, completion: completion) }
    }

    func takeCommands(_ s: inout State) -> [(String, [UInt8])] {
        defer { s.commands = [] }
        return s.commands
    }

    /// Returns once everything decided before the call is committed and published (tests,
    /// shutdown). Never call it from the MQTT thread while the database may be busy.
    public func waitForCommits() {
        committer.sync {}
    }

    /// Runs on `committer`.
    private func record(_ decided: [Decided], number: UInt64, completion: CommitCompletion?) {
        let entries = decided.filter { entry in
            guard case .alarm(let record, _, _, _) = entry else { return true }
            return !wasReconciled(record.identity, after: number)
        }
        if entries.isEmpty {
            completion?.finish(stored: decided.isEmpty)
            return
        }
        let now = clock.now()
        var writes: [AlarmWrite] = []
        var pushes: [(String, [UInt8])] = []
        var kinds: [Transition.Kind] = []
        for entry in entries {
            switch entry {
            case .alarm(let record, let site, let transitions, _):
                // A silent change (a camera incident ended with its final count): stored all the same.
                if transitions.isEmpty { writes.append(.update(record.row(site: site, updatedAt: now))) }
                for transition in transitions {
                    let message = AlarmMessage(record: record, transition: transition, site: site).json()
                    writes.append(.transition(record.row(site: site, updatedAt: transition.at),
                                              TransitionRow(alarmID: record.id, at: transition.at,
                                                            kind: transition.kind.rawValue, actor: transition.by,
                                                            note: transition.note, bodyJSON: message),
                                              outboxTargets: webhookTargets))
                    let bytes = Array(message.utf8)
                    pushes.append((AlarmTopics.site(site.id), bytes))
                    pushes.append((AlarmTopics.regulator(site.region), bytes))
                    kinds.append(transition.kind)
                }
            case .ledger(let entry):
                writes.append(.ledger(Self.ledgerRow(entry)))
            case .digest(let site, let region, let body):
                if !webhookTargets.isEmpty { writes.append(.outbox(targets: webhookTargets, body: body)) }
                pushes.append((DigestTopics.site(site), body))
                pushes.append((DigestTopics.regulator(region), body))
            }
        }
        let recordStart = ContinuousClock.now
        do {
            try recordRetrying(writes, now: now)
        } catch {
            LatencyProbe.record("alarm-record", LatencyProbe.ms(recordStart.duration(to: .now)))
            logger.error("cannot record alarm batch", metadata: [
                "writes": "\(writes.count)", "alarms": "\(entries.compactMap(\.alarmID))", "error": "\(error)",
            ])
            reconcile(entries)
            completion?.finish(stored: false)
            return
        }
        LatencyProbe.record("alarm-record", LatencyProbe.ms(recordStart.duration(to: .now)))
        for kind in kinds { metrics?.alarmTransition(kind) }
        for (topic, payload) in pushes { publish(topic, payload) }
        completion?.finish(stored: true)
    }

    /// How long a batch whose commit failed for a passing reason is retried before it is given up.
    static let commitRetryBudget: Duration = .seconds(60)

    /// Writes a batch, retrying while the store says its failure passes (a lost connection, a lost
    /// primary whose standby is not yet promoted: issue 15, item 6): the PostgreSQL store's alarm
    /// writes are idempotent, so a COMMIT that was kept although its answer was lost stores
    /// nothing twice, and what is published is still what is stored. The bodies were made before
    /// the first try, so every try writes the same rows. Later batches wait, keeping their order.
    private func recordRetrying(_ writes: [AlarmWrite], now: EpochMillis) throws {
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            do {
                try store.record(writes, now: now)
                if attempt > 0 { logger.notice("alarm batch recorded after a retry", metadata: ["attempts": "\(attempt + 1)"]) }
                return
            } catch where error.isTransientStoreError && started.duration(to: .now) < Self.commitRetryBudget {
                attempt += 1
                logger.warning("alarm batch commit failed, retrying", metadata: [
                    "writes": "\(writes.count)", "attempt": "\(attempt)", "error": "\(error)",
                ])
                Thread.sleep(forTimeInterval: min(2.0, 0.05 * Double(1 << min(attempt, 6))))
            }
        }
    }

    /// Whether `identity` was put back to the database's record after batch `number` was decided
    /// (so that batch built on a step that was never stored).
    private func wasReconciled(_ identity: AlarmIdentity, after number: UInt64) -> Bool {
        reconciled.withLock { marks in
            guard let mark = marks[identity] else { return false }
            // Batches are recorded in order: once one decided after the mark arrives, none before it remains.
            if number >= mark { marks[identity] = nil }
            return number < mark
        }
    }

    /// After a failed commit: the open set goes back to what is stored (read outside the lock).
    private func reconcile(_ entries: [Decided]) {
        var restored: [(AlarmIdentity, AlarmRecord?)] = []
        for case .alarm(let record, _, _, let previous) in entries {
            let stored: AlarmRecord?
            do {
                stored = try store.alarm(id: record.id).flatMap(AlarmRecord.decode)
            } catch {
                stored = previous
            }
            restored.append((record.identity, stored))
        }
        guard !restored.isEmpty else { return }
        let mark = state.withLock { s in
            for (identity, record) in restored { s.open[identity] = record.flatMap { $0.isOpen ? $0 : nil } }
            return s.nextBatch
        }
        reconciled.withLock { marks in
            for (identity, _) in restored { marks[identity] = mark }
        }
    }
}

extension Decided {
    var alarmID: String? {
        if case .alarm(let record, _, _, _) = self { record.id } else { nil }
    }
}
