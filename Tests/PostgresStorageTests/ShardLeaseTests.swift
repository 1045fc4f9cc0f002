import Foundation
import KitchenModel
import Logging
import PostgresStorage
import StorageModel
import Synchronization
import TestSupport
import Testing

private let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
private let hourStart: EpochMillis = 1_795_276_800_000

private func reading(_ seq: Int64) -> WriteItem {
    .reading(ReadingRecord(key: fridge, boot: 1, seq: seq, deviceTime: hourStart + seq * 1000,
                           receivedAt: hourStart + seq * 1000 + 50,
                           readings: .thermo(ThermoReading(celsius: 3, humidity: 60, battery: 90))))
}

/// Shard leases and fencing against a real PostgreSQL (docs/scale-out.md, "Shards and leases").
@Suite struct ShardLeaseTests {
    func leases(_ f: PostgresFixture, _ owner: String, lease: Duration) throws -> ShardLeases {
        ShardLeases(database: try f.reopen(), owner: owner, duration: lease)
    }

    /// A pool fenced by `owner`'s lease at `epoch`, as a shard's runtime opens; trusted for ever,
    /// as a process that was paused and has not yet noticed would believe.
    func fenced(_ f: PostgresFixture, _ owner: String, epoch: Int64, shard: String = "420106") throws
        -> (PostgresDatabase, ShardFence)
    {
        let fence = ShardFence(shard: shard, owner: owner, epoch: epoch, trustedUntil: .now + .seconds(3600))
        return (try PostgresDatabase(url: f.url, password: ThrowawayPostgres.password, maxConnections: 2, fence: fence),
                fence)
    }

    func readings(_ f: PostgresFixture) throws -> [Int64] {
        try f.database.query("SELECT seq FROM reading ORDER BY seq").map { try $0.decode(Int64.self) }
    }

    @Test func aLeaseIsHeldUntilItExpiresThenTakenAtTheNextEpoch() throws {
        let f = try PostgresFixture()
        let a = try leases(f, "a", lease: .milliseconds(600))
        let b = try leases(f, "b", lease: .milliseconds(600))
        #expect(try a.available(among: ["420106", "420111"]) == ["420106", "420111"])
        #expect(try a.acquire("420106") == 1)
        #expect(try b.acquire("420106") == nil)
        #expect(try b.available(among: ["420106", "420111"]) == ["420111"])
        #expect(try a.renew("420106", epoch: 1))
        #expect(try b.acquire("420106") == nil)
        Thread.sleep(forTimeInterval: 0.8)  // a stops renewing (paused, cut off, killed)
        #expect(try b.acquire("420106") == 2)
        #expect(try !a.renew("420106", epoch: 1))  // too late: it is b's at epoch 2
        #expect(try a.acquire("420106") == nil)
        let holder = try #require(try a.holders()["420106"])
        #expect(holder.owner == "b" && holder.epoch == 2 && holder.live)
        // A clean stop hands it over at once, without waiting for expiry.
        try b.release("420106", epoch: 2)
        #expect(try a.acquire("420106") == 3)
        // A release at a stale epoch changes nothing.
        try b.release("420106", epoch: 2)
        #expect(try a.holders()["420106"]?.owner == "a")
    }

    @Test func membershipCountsLiveInstances() throws {
        let f = try PostgresFixture()
        let a = try leases(f, "a", lease: .milliseconds(500))
        let b = try leases(f, "b", lease: .milliseconds(500))
        #expect(try a.heartbeat() == 1)
        #expect(try b.heartbeat(reachesBroker: false) == 2)
        #expect(try a.othersReachingBroker(freshWithin: .milliseconds(400)) == 0)  // b is cut off
        #expect(try b.othersReachingBroker(freshWithin: .milliseconds(400)) == 1)
        #expect(try b.heartbeat() == 2)
        #expect(try a.othersReachingBroker(freshWithin: .milliseconds(400)) == 1)
        try b.leave()
        #expect(try a.heartbeat() == 1)
        _ = try b.heartbeat()
        Thread.sleep(forTimeInterval: 0.25)  // b stopped beating
        #expect(try a.heartbeat() == 2)
        #expect(try a.heartbeat(freshWithin: .milliseconds(150)) == 1)  // not recently enough
        Thread.sleep(forTimeInterval: 0.45)
        #expect(try a.heartbeat() == 1)
    }

    /// The fencing property: an instance holds a lease, pauses, another takes the shard, and the first
    /// wakes up and writes: refused, by the batch committer and by a plain statement alike, and
    /// nothing of it is stored; the new owner writes.
    @Test func aStaleEpochsWriteIsRefusedEvenAfterTheProcessWakesUp() throws {
        let f = try PostgresFixture()
        try PostgresPartitions.ensureReadingPartitions(f.database, now: hourStart)
        let a = try leases(f, "a", lease: .milliseconds(500))
        let b = try leases(f, "b", lease: .milliseconds(500))
        let epochA = try #require(try a.acquire("420106"))
        let (poolA, fenceA) = try fenced(f, "a", epoch: epochA)
        let lostCalls = Atomic<Int>(0)
        fenceA.onLost { lostCalls.add(1, ordering: .relaxed) }
        let committerA = PostgresBatchCommitter(database: poolA, maxRejects: 10)
        _ = try committerA.commit([reading(1)])
        #expect(try readings(f) == [1])

        Thread.sleep(forTimeInterval: 0.7)  // a is paused past its lease
        let epochB = try #require(try b.acquire("420106"))
        #expect(epochB == epochA + 1)

        // a wakes up, still believing it holds the shard.
        #expect(fenceA.isTrusted)
        var refused: (any Error)?
        do { _ = try committerA.commit([reading(2)]) } catch { refused = error }
        #expect((refused as? LeaseLostError)?.epoch == epochA)
        committerA.resetAfterFailure()
        #expect(fenceA.isLost && !fenceA.isTrusted)
        #expect(lostCalls.load(ordering: .relaxed) == 1)
        #expect(throws: LeaseLostError.self) {
            try PostgresStore(database: poolA).setMeta("written-by", "a")
        }
        #expect(throws: LeaseLostError.self) { _ = try committerA.commit([reading(3)]) }
        #expect(lostCalls.load(ordering: .relaxed) == 1)
        #expect(try readings(f) == [1])
        #expect(try PostgresStore(database: f.database).meta("written-by") == nil)

        // The new owner's fenced pool writes.
        let (poolB, _) = try fenced(f, "b", epoch: epochB)
        _ = try PostgresBatchCommitter(database: poolB, maxRejects: 10).commit([reading(2)])
        try PostgresStore(database: poolB).setMeta("written-by", "b")
        #expect(try readings(f) == [1, 2])
        #expect(try PostgresStore(database: f.database).meta("written-by") == "b")
    }

    /// A write transaction already past its lease check holds the lease row shared: a takeover waits
    /// for its COMMIT, so the new owner restores from a database that already holds it, and the old
    /// owner's next transaction is refused.
    @Test func aTakeoverWaitsForTheOldOwnersTransactionInFlight() throws {
        let f = try PostgresFixture()
        let a = try leases(f, "a", lease: .milliseconds(300))
        let b = try leases(f, "b", lease: .milliseconds(300))
        let epochA = try #require(try a.acquire("420106"))
        let (poolA, _) = try fenced(f, "a", epoch: epochA)
        Thread.sleep(forTimeInterval: 0.4)  // expired, but nobody has taken it yet
        let inTransaction = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<String>("")
        Thread {
            do {
                try poolA.transaction { session in
                    try session.execute("INSERT INTO gateway_meta (key, value) VALUES ('in-flight', 'a')")
                    inTransaction.signal()
                    Thread.sleep(forTimeInterval: 1.0)
                }
                outcome.withLock { $0 = "committed" }
            } catch {
                outcome.withLock { $0 = "\(error)" }
            }
            done.signal()
        }.start()
        inTransaction.wait()
        let started = ContinuousClock.now
        let epochB = try b.acquire("420106")
        let waited = started.duration(to: .now)
        done.wait()
        #expect(epochB == epochA + 1)
        #expect(waited > .milliseconds(500), "the takeover did not wait for the transaction in flight: \(waited)")
        #expect(outcome.withLock { $0 } == "committed")
        #expect(try PostgresStore(database: f.database).meta("in-flight") == "a")
        #expect(throws: LeaseLostError.self) { try poolA.execute("SELECT 1") }
    }

    /// A process paused (or cut off) in the middle of a fenced transaction would hold the lease row
    /// until the server noticed its connection was dead: the server ends such a transaction after
    /// `ShardFence.idleTimeout`, so the takeover goes ahead, and the paused owner's write is not kept.
    @Test func aTransactionLeftOpenByAPausedOwnerDoesNotHoldTheTakeoverBack() throws {
        let f = try PostgresFixture()
        let a = try leases(f, "a", lease: .milliseconds(300))
        let b = try leases(f, "b", lease: .milliseconds(300))
        let epochA = try #require(try a.acquire("420106"))
        let (poolA, _) = try fenced(f, "a", epoch: epochA)
        let inTransaction = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<String>("")
        Thread {
            do {
                try poolA.transaction { session in
                    try session.execute("INSERT INTO gateway_meta (key, value) VALUES ('paused', 'a')")
                    inTransaction.signal()
                    Thread.sleep(forTimeInterval: 6)  // the process is stopped mid-transaction
                    try session.execute("INSERT INTO gateway_meta (key, value) VALUES ('woken', 'a')")
                }
                outcome.withLock { $0 = "committed" }
            } catch {
                outcome.withLock { $0 = "refused" }
            }
            done.signal()
        }.start()
        inTransaction.wait()
        Thread.sleep(forTimeInterval: 0.4)  // the lease expires
        let started = ContinuousClock.now
        let epochB = try b.acquire("420106")
        let waited = started.duration(to: .now)
        #expect(epochB == epochA + 1)
        #expect(waited < .seconds(3), "the takeover waited \(waited)")
        done.wait()
        #expect(outcome.withLock { $0 } == "refused")
        #expect(try PostgresStore(database: f.database).meta("paused") == nil)
        #expect(try PostgresStore(database: f.database).meta("woken") == nil)
    }

    /// The batch writer on a store whose lease was lost: the refused batch and the queue are dropped,
    /// a durable submitter is told (not left waiting), and nothing more is written.
    @Test func theBatchWriterStopsWhenItsLeaseIsLost() throws {
        let f = try PostgresFixture()
        try PostgresPartitions.ensureReadingPartitions(f.database, now: hourStart)
        let a = try leases(f, "a", lease: .milliseconds(400))
        let b = try leases(f, "b", lease: .milliseconds(400))
        let epochA = try #require(try a.acquire("420106"))
        let (poolA, _) = try fenced(f, "a", epoch: epochA)
        let writer = BatchWriter(store: PostgresStore(database: poolA), logger: Logger(label: "test"))
        writer.start()
        defer { writer.stop() }
        try writer.submitAndWait([reading(1)])
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try b.acquire("420106") != nil)
        let started = ContinuousClock.now
        #expect(throws: BatchWriter.StoppedError.self) { try writer.submitAndWait([reading(2)]) }
        #expect(started.duration(to: .now) < .seconds(5))
        #expect(throws: BatchWriter.StoppedError.self) { try writer.submit([reading(3)]) }
        #expect(try readings(f) == [1])
    }
}
