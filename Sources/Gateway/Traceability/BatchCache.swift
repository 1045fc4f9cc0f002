import KitchenModel
import Logging
import StorageModel
import Synchronization

/// Batches as the ticket desk checks them, one database read per batch rather than per
/// weighing. Every batch write goes through `TraceabilityService`, which refreshes the
/// entry in the same breath, so a recall stops sales at once.
///
/// Each entry carries a version from one counter that only grows: whoever caches something
/// made from a batch (the public lookup's rendered pages) compares versions to know whether
/// it is still current. `updatedAt` could not serve: two writes in the same millisecond
/// (a re-inspection then a recall by a script) left it unchanged, and the page kept saying
/// the food was fine.
public final class BatchCache: Sendable {
    /// A batch (nil: known not to exist) and the version it was cached at.
    public struct Versioned: Sendable {
        public let batch: Batch?
        public let version: UInt64
    }

    private struct State {
        var entries: [BatchID: Versioned] = [:]
        /// Never reset, not even when the table is cleared: a version is never reused.
        var lastVersion: UInt64 = 0

        mutating func put(_ id: BatchID, _ batch: Batch?) -> Versioned {
            lastVersion += 1
            let entry = Versioned(batch: batch, version: lastVersion)
            entries[id] = entry
            return entry
        }
    }

    private let store: any TraceabilityStore
    private let logger: Logger
    private let state = Mutex(State())
    static let capacity = 50_000

    public init(store: any TraceabilityStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public func batch(_ id: BatchID) -> Batch? {
        versioned(id)?.batch
    }

    /// The batch with its version, read from the database on a miss; nil only when the read
    /// failed (not cached: the next call tries again).
    public func versioned(_ id: BatchID) -> Versioned? {
        if let hit = state.withLock({ $0.entries[id] }) { return hit }
        let loaded: Batch?
        do {
            loaded = try store.batch(id)
        } catch {
            logger.error("cannot read batch", metadata: ["batch": "\(id)", "error": "\(error)"])
            return nil
        }
        return state.withLock { s in
            // A write that landed while this read ran has already put the newer batch here.
            if let newer = s.entries[id] { return newer }
            if s.entries.count >= Self.capacity { s.entries.removeAll(keepingCapacity: true) }
            return s.put(id, loaded)
        }
    }

    /// The batch if it is in memory (`.some(nil)`: known not to exist), nil if only the database
    /// could say: for callers on an event loop, which must not wait for a read.
    public func cachedBatch(_ id: BatchID) -> Batch?? {
        cachedVersioned(id).map(\.batch)
    }

    /// The entry if it is in memory; nil if only the database could say.
    public func cachedVersioned(_ id: BatchID) -> Versioned? {
        state.withLock { $0.entries[id] }
    }

    func update(_ batch: Batch) {
        state.withLock { _ = $0.put(batch.id, batch) }
    }

    /// Drops a batch another process changed (a web replica's `bk_batch` notification): the next
    /// read loads it at a new version, so pages made from the old one are made again.
    public func forget(_ id: BatchID) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Drops every batch (notifications may have been missed while not listening).
    public func forgetAll() {
        state.withLock { $0.entries.removeAll() }
    }
}
