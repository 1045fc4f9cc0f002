import KitchenModel
import Logging
import StorageModel

/// Batch records as the API and CLI change them: every write goes to the store (with its
/// history entry) and to the ticket desk's cache together, so a recall or a failed
/// re-inspection stops the next weighing, and shows on every ticket already sold.
public final class TraceabilityService: Sendable {
    public let store: any TraceabilityStore
    public let batches: BatchCache
    public let issuer: TicketIssuer

    public init(store: any TraceabilityStore, batches: BatchCache, issuer: TicketIssuer) {
        self.store = store
        self.batches = batches
        self.issuer = issuer
    }

    public func create(_ batch: Batch, actor: String) throws {
        try store.createBatch(batch, actor: actor)
        batches.update(batch)
    }

    /// Records a new inspection; the previous one stays in the history.
    @discardableResult
    public func reinspect(_ id: BatchID, _ inspection: Inspection, actor: String, at now: EpochMillis) throws -> Batch {
        let batch = try store.updateBatch(id, kind: .reinspected, actor: actor) { b in
            b.inspection = inspection
            b.updatedAt = now
        }
        batches.update(batch)
        return batch
    }

    /// Attaches a 承诺达标合格证, checked against the batch as stored inside the update.
    public func certify(_ id: BatchID, _ certificate: CommitmentCertificate, actor: String, at now: EpochMillis) throws -> Batch {
        let batch = try store.updateBatch(id, kind: .certified, actor: actor) { b in
            try certificate.check(against: b)
            b.certificate = certificate
            b.updatedAt = now
        }
        batches.update(batch)
        return batch
    }

    @discardableResult
    public func recall(_ id: BatchID, reason: String, actor: String, at now: EpochMillis) throws -> Batch {
        let batch = try store.updateBatch(id, kind: .recalled, actor: actor) { b in
            b.recall = Recall(reason: reason, by: actor, at: now)
            b.updatedAt = now
        }
        batches.update(batch)
        return batch
    }
}
