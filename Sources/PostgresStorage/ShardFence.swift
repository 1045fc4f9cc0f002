import Foundation
import StorageModel
import Synchronization

/// The writer's side of a shard lease (docs/scale-out.md, "Shards and leases"): a pool opened with
/// a fence checks, inside every transaction and before its first statement, that the lease row still
/// names this owner at this epoch, and holds that row `FOR KEY SHARE` until COMMIT. An instance taking
/// the shard over locks that row `FOR UPDATE` first, so it waits for such a transaction to end, and every
/// transaction after the takeover finds another epoch and is refused (`LeaseLostError`). Hence an
/// instance that paused or lost its network cannot write once its lease passed to another, whatever
/// its own clock says.
///
/// Once refused, the fence stays lost: the handler given to `onLost` runs once, first, on the thread
/// that hit the refusal (the ingest runtime cuts its MQTT connection there, so the message in hand
/// is never acknowledged).
public final class ShardFence: Sendable {
    public let shard: String
    public let owner: String
    public let epoch: Int64
    private let lost = Atomic<Bool>(false)
    private let handler = Mutex<LostHandler?>(nil)
    /// Until when this instance may believe it holds the lease without asking the database: the
    /// start of the last successful renewal plus the lease, less a margin (see `renewed`).
    private let trustedUntil: Mutex<ContinuousClock.Instant>

    /// Boxed: an optional closure read back out of a Mutex misbehaved in release builds
    /// (IngestPipeline's `Sink` says more).
    private final class LostHandler: Sendable {
        let call: @Sendable () -> Void
        init(_ call: @escaping @Sendable () -> Void) { self.call = call }
    }

    public init(shard: String, owner: String, epoch: Int64, trustedUntil: ContinuousClock.Instant) {
        self.shard = shard
        self.owner = owner
        self.epoch = epoch
        self.trustedUntil = Mutex(trustedUntil)
    }

    /// Runs once, when the lease is first found lost (by a refused write or by `markLost`).
    public func onLost(_ call: @escaping @Sendable () -> Void) {
        handler.withLock { $0 = LostHandler(call) }
        if isLost { call() }
    }

    public var isLost: Bool { lost.load(ordering: .acquiring) }

    /// Whether the lease can be taken as held without asking: not lost, and the last renewal recent
    /// enough that no other instance can have taken it yet. A process that was paused (SIGSTOP, a
    /// stalled VM) finds this false on waking, before the renewal loop has run.
    public var isTrusted: Bool {
        !isLost && ContinuousClock.now < trustedUntil.withLock { $0 }
    }

    /// A renewal that started at `start` succeeded: the database's clock put the expiry `lease` after
    /// a moment no earlier than `start`, so until `start + lease - margin` no other owner can hold it.
    public func renewed(startedAt start: ContinuousClock.Instant, lease: Duration, margin: Duration) {
        trustedUntil.withLock { $0 = max($0, start + lease - margin) }
    }

    /// The lease is gone (not renewed in time, or taken): refuse everything from now on.
    public func markLost() {
        guard lost.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return
        }
        handler.withLock { $0 }?.call()
    }

    /// How long a fenced transaction may sit idle waiting for its client before the server ends it:
    /// a process paused or cut off in the middle of one would otherwise hold the lease row, and so
    /// the takeover, until the server noticed the dead connection (hours, with default keepalives).
    /// The gateway's transactions send their statements back to back, so a live one never waits this long.
    public static let idleTimeout: Duration = .seconds(2)

    /// The check a fenced transaction runs right after BEGIN, in one statement with the idle timeout.
    func check(_ session: PostgresSession) throws {
        guard !isLost else { throw LeaseLostError(shard: shard, epoch: epoch) }
        let held = try session.query("""
            SELECT set_config('idle_in_transaction_session_timeout', $4, true) FROM shard_leases
            WHERE shard = $1 AND owner = $2 AND epoch = $3 FOR KEY SHARE
            """, [.text(shard), .text(owner), .int(epoch), .text("\(Self.idleTimeout.components.seconds * 1000)")])
        guard held.isEmpty else { return }
        markLost()
        throw LeaseLostError(shard: shard, epoch: epoch)
    }
}
