import KitchenModel
import Logging
import MQTTClient
import PostgresStorage

extension GatewayRuntime {
    /// The registry as this runtime serves it: the whole of it, or one shard's part.
    static func scoped(_ registry: Registry, to shard: ShardScope?) throws -> Registry {
        guard let shard else { return registry }
        return try ShardMap.restrict(registry, to: shard.name)
    }

    /// Once the shard's lease is found lost (a write refused, a renewal refused or too late, a
    /// message arriving after the lease could have passed), the MQTT connection is cut at once on
    /// the thread that found it, before any acknowledgement can leave, and never comes back: the
    /// supervisor then stops this runtime (`IngestSupervisor`).
    static func fence(_ client: MQTTClient, by fence: ShardFence, logger: Logger) {
        fence.onLost {
            logger.error("shard lease lost: MQTT session abandoned to the next owner", metadata: [
                "shard": "\(fence.shard)", "epoch": "\(fence.epoch)",
            ])
            client.abandonConnection()
        }
    }

    /// Third-party topics name no site, so a shard's runtime subscribed to them receives every
    /// site's: it listens only when its own sites bind such devices (`source:`), keeping those.
    static func thirdPartyFilters(_ filters: [String], registry: Registry, shard: ShardScope?) -> [String] {
        guard shard != nil else { return filters }
        return registry.devices.values.contains { $0.source != nil } ? filters : []
    }

    /// Whether this runtime's shard lease was lost (always false outside `--role ingest`).
    public var shardLeaseLost: Bool { configuration.shard?.fence.isLost ?? false }
}
