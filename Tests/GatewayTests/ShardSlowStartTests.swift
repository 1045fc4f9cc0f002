import Foundation
import Gateway
import Logging
import MQTTClient
import TestSupport
import Testing

/// Found by `scripts/chaos --cluster` on a loaded machine: building a shard's runtime (store opened,
/// devices and alarms restored) took 7-10 s there, longer than the 8 s a lease is trusted without a
/// renewal, and the shard was renewed only once its runtime existed. So the lease lapsed while the
/// shard started, the first message after that marked it lost, and the shard went from instance to
/// instance without ever running. Here the restore is held back by a lock on `device` for longer than
/// the lease; the lease must stay live all along and the shard must run at its first epoch.
@Suite(.serialized)
struct ShardSlowStartTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
        """

    @Test func aShardWhoseStartOutlastsTheLeaseKeepsItsLease() async throws {
        let dir = TemporaryDirectory("bk-slow-start")
        let server = try ThrowawayPostgres.shared()
        let database = try server.createDatabase()
        try ThrowawayPostgres.password.write(toFile: dir.file("pw"), atomically: true, encoding: .utf8)
        try Self.registry.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let broker = try MosquittoBroker.start(options: .init())
        defer { broker.stop() }
        var configuration = GatewayConfiguration(registryPath: dir.file("registry.yaml"),
                                                 brokerURL: "mqtt://127.0.0.1:\(broker.port)",
                                                 database: server.url(database: database), dataDirectory: dir.path)
        configuration.databasePasswordFile = dir.file("pw")
        configuration.ticketKeysPath = dir.file("ticket-keys")
        var options = IngestSupervisor.Options()
        options.lease = .seconds(3)  // trusted 2 s past each renewal's start
        options.margin = .seconds(1)
        options.renewEvery = .milliseconds(500)
        options.acquireEvery = .milliseconds(200)
        options.memberFreshness = .seconds(2)
        let supervisor = try IngestSupervisor.open(configuration: configuration, options: options,
                                                   logger: Logger(label: "slow-start"))

        // The restore reads `device`: locked for 6 s, twice the lease.
        let locker = Thread {
            _ = try? server.psql("BEGIN; LOCK TABLE device IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(6); COMMIT;",
                                 database: database)
        }
        locker.start()
        #expect(eventually(timeout: .seconds(10)) {
            (try? server.psql("""
                SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE c.relname = 'device' AND l.mode = 'AccessExclusiveLock' AND l.granted
                """, database: database)) == "1"
        })
        let run = Task { try await supervisor.run() }
        defer { run.cancel() }

        // While the start waits for the lock, the lease row is renewed: never seen expired.
        var samples: [String] = []
        while !locker.isFinished {
            if let row = try? server.psql("SELECT epoch, expires_at >= now() FROM shard_leases WHERE shard = '420106'",
                                          database: database), !row.isEmpty {
                samples.append(row)
            }
            try await Task.sleep(for: .milliseconds(150))
        }
        // Seen several times while the start waits (each psql takes up to a second on a loaded machine).
        #expect(samples.count >= 3, "the lease was taken while the start was held back: \(samples)")
        #expect(samples.allSatisfy { $0 == "1|t" }, "the lease lapsed or changed hands during the start: \(samples)")
        #expect(eventually(timeout: .seconds(15)) { supervisor.shards == ["420106"] })
        try await Task.sleep(for: .seconds(2))
        #expect(supervisor.shards == ["420106"], "the shard keeps running once started")
        #expect(try server.psql("SELECT epoch FROM shard_leases WHERE shard = '420106'", database: database) == "1",
                "never lost and taken again")
        run.cancel()
        _ = await run.result
    }
}
