import KitchenModel
import Logging
import Storage
import Synchronization

/// Batches as the ticket desk checks them, one database read per batch rather than per
/// weighing. Every batch write goes through `TraceabilityService`, which refreshes the
/// entry in the same breath, so a recall stops sales at once.
public final class BatchCache: Sendable {
    private let store: Store
    private let logger: Logger
    private let entries = Mutex<[BatchID: Batch?]>([:])
    static let capacity = 50_000

    public init(store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func batch(_ id: BatchID) -> Batch? {
        if let hit = entries.withLock({ $0[id] }) { return hit }
        let loaded: Batch?
        do {
            loaded = try store.batch(id)
        } catch {
            logger.error("cannot read batch", metadata: ["batch": "\(id)", "error": "\(error)"])
            return nil  // not cached: the next weighing tries again
        }
        entries.withLock { e in
            if e.count >= Self.capacity { e.removeAll(keepingCapacity: true) }
            e[id] = .some(loaded)
        }
        return loaded
    }

    /// The batch if it is in memory (`.some(nil)`: known not to exist), nil if only the database
    /// could say: for callers on an event loop, which must not wait for a read.
    public func cachedBatch(_ id: BatchID) -> Batch?? {
        entries.withLock { $0[id] }
    }

    func update(_ batch: Batch) {
        entries.withLock { $0[batch.id] = .some(batch) }
    }
}
