import PostgresStorage

/// What makes a `GatewayRuntime` one shard's owner (`serve --role ingest`): only the shard's sites
/// (registry, restored state, open alarms and rule state), only their MQTT topics, on the shard's
/// persistent session, and a store whose every write checks the lease's epoch (`ShardFence`).
public struct ShardScope: Sendable {
    public var name: String
    public var fence: ShardFence
    /// The instance-wide periodic work (retention, webhook delivery, the outbox gauge) runs in one
    /// shard's runtime only, the first shard by name, so it runs once across all instances.
    public var runsSharedDuties: Bool

    public init(name: String, fence: ShardFence, runsSharedDuties: Bool) {
        self.name = name
        self.fence = fence
        self.runsSharedDuties = runsSharedDuties
    }
}
