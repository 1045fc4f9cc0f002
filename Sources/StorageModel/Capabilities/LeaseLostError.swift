/// A write refused because the writer no longer holds the lease of the shard it writes for
/// (docs/scale-out.md, "Shards and leases"): another instance took the shard, so whatever this
/// writer holds is stale. Never retried: the batch writer drops its queue and stops, and nothing
/// of the refused write may be acknowledged to a device.
public struct LeaseLostError: Error, CustomStringConvertible, Sendable {
    public let shard: String
    public let epoch: Int64

    public init(shard: String, epoch: Int64) {
        self.shard = shard
        self.epoch = epoch
    }

    public var description: String {
        "the lease of shard \(shard) at epoch \(epoch) is no longer held: another instance owns the shard, "
            + "so this write was refused"
    }
}
