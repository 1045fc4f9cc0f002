import Foundation
import KitchenModel
import PostgresNIO

/// Shard leases in PostgreSQL's `shard_leases` (migration "v7-shard-leases"), on the database's
/// clock only: an instance's own clock never decides whether a lease has expired. Each operation is
/// one UPDATE ... RETURNING, so two instances racing for a shard cannot both win it.
/// docs/scale-out.md, "Shards and leases".
public struct ShardLeases: Sendable {
    /// An unfenced pool: the leases are what fences the others.
    public let database: PostgresDatabase
    /// This instance, unique per process (`ShardLeases.makeOwner()`).
    public let owner: String
    /// How long a lease lasts past its last renewal.
    public let duration: Duration
    /// Which leases: the ingest shards' or the vision workers' camera groups (same shape, own tables).
    public let tables: Tables

    /// A lease table and the membership its holders beat in. Each kind of holder has its own pair, so
    /// vision workers never count towards the ingest instances' fair share, nor the reverse.
    public struct Tables: Sendable {
        public let leases: String
        public let members: String

        /// `shard_leases`, `ingest_member` (migration "v7-shard-leases"): `serve --role ingest`.
        public static let shards = Tables(leases: "shard_leases", members: "ingest_member")
        /// `vision_leases`, `vision_member` (migration "v11-vision-leases"): `serve --role vision`.
        public static let vision = Tables(leases: "vision_leases", members: "vision_member")
    }

    public init(database: PostgresDatabase, owner: String, duration: Duration = .seconds(10), tables: Tables = .shards) {
        self.database = database
        self.owner = owner
        self.duration = duration
        self.tables = tables
    }

    /// `<host>-<pid>-<random>`: a restarted process is a new owner, so nothing it held survives it.
    public static func makeOwner() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(40)
        return "\(host)-\(getpid())-\(UInt32.random(in: 0 ... .max))"
    }

    private var milliseconds: Int64 { Self.milliseconds(duration) }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Takes `shard` if its lease has expired (or was released, or never existed), with the epoch
    /// raised by one; nil while another instance holds it.
    ///
    /// The UPDATE waits for the old owner's write transactions in flight (they hold the row shared,
    /// `ShardFence`), for at most `lockTimeout`: one left open by a paused or cut-off process ends by
    /// itself (`ShardFence.idleTimeout`), and the next round tries again.
    public func acquire(_ shard: String, lockTimeout: Duration = .seconds(3)) throws -> Int64? {
        try database.transaction { session in
            try session.execute("SELECT set_config('lock_timeout', $1, true)", [.text("\(Self.milliseconds(lockTimeout))")])
            try session.execute("INSERT INTO \(tables.leases) (shard) VALUES ($1) ON CONFLICT DO NOTHING", [.text(shard)])
            // Waits for the old owner's fenced transactions (FOR KEY SHARE). A plain UPDATE would not
            // (it changes no key), and renewals must not: a fenced transaction held up for longer than
            // the lease (a slow restore at a shard's start) would otherwise block its own renewal and
            // let the lease lapse under it (ShardSlowStartTests).
            try session.execute("SELECT 1 FROM \(tables.leases) WHERE shard = $1 FOR UPDATE", [.text(shard)])
            return try session.query("""
                UPDATE \(tables.leases) SET owner = $2, epoch = epoch + 1, acquired_at = now(),
                    expires_at = now() + $3::bigint * interval '1 millisecond'
                WHERE shard = $1 AND (expires_at < now() OR owner = $2) RETURNING epoch
                """, [.text(shard), .text(owner), .int(milliseconds)]).first.map(decode(Int64.self))
        }
    }

    /// Which of `shards` nobody holds now (no row yet, released, or expired): the ones worth an
    /// `acquire`, found in one statement rather than one UPDATE per shard.
    public func available(among shards: [String]) throws -> [String] {
        let held = Set(try database.query("""
            SELECT shard FROM \(tables.leases) WHERE shard = ANY($1) AND expires_at >= now()
            """, [.texts(shards)]).map(decode(String.self)))
        return shards.filter { !held.contains($0) }
    }

    /// Which of `shards` were left by an owner that stopped renewing (expired, not released): a dead,
    /// paused or cut-off instance's. Any instance takes these at once, whatever its fair share, so a
    /// takeover does not wait for the dead instance's membership to expire as well.
    public func orphaned(among shards: [String]) throws -> Set<String> {
        Set(try database.query("""
            SELECT shard FROM \(tables.leases) WHERE shard = ANY($1) AND owner IS NOT NULL AND expires_at < now()
            """, [.texts(shards)]).map(decode(String.self)))
    }

    /// Extends the lease held at `epoch`; false when it is no longer ours (taken at a later epoch).
    /// A lease that expired but that nobody took is renewed: no other writer can have written meanwhile.
    public func renew(_ shard: String, epoch: Int64) throws -> Bool {
        try !database.query("""
            UPDATE \(tables.leases) SET expires_at = now() + $4::bigint * interval '1 millisecond'
            WHERE shard = $1 AND owner = $2 AND epoch = $3 RETURNING epoch
            """, [.text(shard), .text(owner), .int(epoch), .int(milliseconds)]).isEmpty
    }

    /// Gives the shard up at once (a clean stop), so another instance need not wait for expiry.
    public func release(_ shard: String, epoch: Int64) throws {
        try database.execute("""
            UPDATE \(tables.leases) SET owner = NULL, expires_at = '-infinity'
            WHERE shard = $1 AND owner = $2 AND epoch = $3
            """, [.text(shard), .text(owner), .int(epoch)])
    }

    /// Says this instance is alive for one more lease, and returns how many instances are (itself
    /// included): the basis of each one's fair share. `freshWithin`: count only those that beat that
    /// recently (nil: within a lease), so a dead instance stops counting well before its leases
    /// expire and the survivors' share already covers its shards when they take them over.
    public func heartbeat(freshWithin: Duration? = nil, reachesBroker: Bool = true) throws -> Int {
        try database.execute("""
            INSERT INTO \(tables.members) (owner, expires_at, reaches_broker)
            VALUES ($1, now() + $2::bigint * interval '1 millisecond', $3)
            ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at, reaches_broker = excluded.reaches_broker
            """, [.text(owner), .int(milliseconds), .bool(reachesBroker)])
        try database.execute("DELETE FROM \(tables.members) WHERE expires_at < now() - interval '1 hour'")
        let staleness = freshWithin.map { Self.milliseconds(duration - $0) } ?? 0
        let live = try database.query("""
            SELECT count(*) FROM \(tables.members) WHERE expires_at >= now() + $1::bigint * interval '1 millisecond'
            """, [.int(staleness)]).first.map(decode(Int64.self)) ?? 1
        return max(1, Int(live))
    }

    /// How many other instances beat within `freshWithin` saying their MQTT sessions are up: whom
    /// a shard given up for want of the broker would go to.
    public func othersReachingBroker(freshWithin: Duration) throws -> Int {
        Int(try database.query("""
            SELECT count(*) FROM \(tables.members)
            WHERE owner <> $1 AND reaches_broker AND expires_at >= now() + $2::bigint * interval '1 millisecond'
            """, [.text(owner), .int(Self.milliseconds(duration - freshWithin))]).first.map(decode(Int64.self)) ?? 0)
    }

    /// Leaves the membership (a clean stop).
    public func leave() throws {
        try database.execute("DELETE FROM \(tables.members) WHERE owner = $1", [.text(owner)])
    }

    /// One row of the lease table, as the database sees it now.
    public struct Holder: Sendable, Hashable {
        public let shard: String
        public let owner: String?
        public let epoch: Int64
        public let live: Bool
    }

    /// Every shard's holder, by shard name (status, tests).
    public func holders() throws -> [String: Holder] {
        var result: [String: Holder] = [:]
        for row in try database.query("SELECT shard, owner, epoch, expires_at >= now() FROM \(tables.leases)") {
            let (shard, owner, epoch, live) = try row.decode((String, String?, Int64, Bool).self)
            result[shard] = Holder(shard: shard, owner: owner, epoch: epoch, live: live)
        }
        return result
    }
}
