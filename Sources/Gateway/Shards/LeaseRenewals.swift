import Foundation
import Logging
import PostgresStorage

/// The renewing half of holding leases, the same for ingest shards (`IngestSupervisor`) and vision
/// workers' camera groups (`VisionSupervisor`): every `renewEvery`, each held lease is renewed; a
/// refusal, or a failure past the trusted time, marks its fence lost (whose handlers cut the MQTT
/// session at once); the holder's next round stops what was lost. Runs on a thread of its own so
/// starting or stopping a holding never delays a renewal.
struct LeaseRenewals: Sendable {
    let leases: ShardLeases
    let lease: Duration
    let renewEvery: Duration
    let margin: Duration
    /// What a lease is of, in the log: "shard", "camera group".
    let label: String
    let logger: Logger

    private var key: String { label.replacingOccurrences(of: " ", with: "_") }

    func run(fences: () -> [(name: String, fence: ShardFence)], until stop: StopSignal) {
        while !stop.isSet {
            for (name, fence) in fences() where !fence.isLost {
                let start = ContinuousClock.now
                do {
                    if try leases.renew(name, epoch: fence.epoch) {
                        fence.renewed(startedAt: start, lease: lease, margin: margin)
                    } else {
                        logger.error("\(label) lease taken by another instance", metadata: [key: "\(name)"])
                        fence.markLost()
                    }
                } catch {
                    logger.warning("cannot renew \(label) lease", metadata: [key: "\(name)", "error": "\(error)"])
                }
                if !fence.isTrusted { fence.markLost() }
            }
            stop.wait(renewEvery)
        }
    }
}

extension ShardLeases {
    /// Takes `name` when it is free and returns its fence, trusted for the lease less the margin
    /// from before the acquire was asked; nil when another instance holds it, or when the database
    /// could not be asked (logged). The same for shards and camera groups.
    func takeFence(_ name: String, lease: Duration, margin: Duration, label: String, key: String,
                   logger: Logger) -> ShardFence? {
        let start = ContinuousClock.now
        do {
            guard let epoch = try acquire(name) else { return nil }
            return ShardFence(shard: name, owner: owner, epoch: epoch, trustedUntil: start + lease - margin)
        } catch {
            logger.warning("cannot acquire \(label) lease", metadata: [key: "\(name)", "error": "\(error)"])
            return nil
        }
    }
}
