import KitchenModel
import StorageModel

/// The SQLite backend offers every capability; the methods live beside their SQL in `Queries/`.
extension Store: GatewayStore {
    public func makeBatchCommitter(maxRejects: Int, snapshotInterval: Duration) -> any BatchCommitter {
        BatchTransaction(pool: pool, maxRejects: maxRejects, snapshotInterval: snapshotInterval)
    }

    public var location: String { path }

    public func closeCleanly() throws { try checkpoint() }

    /// SQLite has nothing to create ahead of time.
    public func prepareAhead(now: EpochMillis) throws -> [String] { [] }
}
