import Foundation
import PostgresStorage
import Synchronization
import TestSupport
import Testing

/// Issue 15, item 6: `ThrowawayPostgres.makeSynchronousStandby()` really makes the primary wait.
/// A COMMIT on the primary returns only once the standby has flushed the WAL: with the standby
/// down it hangs (the gateway's statement timeout ends it as "may or may not have been
/// committed"), and it returns by itself once the standby is back.
@Suite(.serialized) struct SynchronousStandbyTests {
    @Test func aCommitWaitsUntilTheSynchronousStandbyHasIt() throws {
        let primary = try ThrowawayPostgres()
        defer { primary.stop() }
        let standby = try primary.makeSynchronousStandby(name: "bk_sync_test")
        defer { standby.stop() }
        #expect(try primary.psql("SHOW synchronous_standby_names") == "bk_sync_test")
        let name = try primary.createDatabase()
        let url = try PostgresURL(primary.url(database: name))

        // With the standby up a commit returns at once, and the standby has the row.
        let database = try PostgresDatabase(url: url, password: ThrowawayPostgres.password, maxConnections: 2,
                                            statementTimeout: .seconds(2))
        try database.execute("CREATE TABLE acked (x bigint)")
        try database.execute("INSERT INTO acked VALUES (1)")
        #expect(eventually(timeout: .seconds(10)) { (try? standby.psql("SELECT count(*) FROM acked", database: name)) == "1" })

        standby.stop()
        // A short statement timeout: the commit does not come back, so the pool gives up on it.
        let started = ContinuousClock.now
        #expect(thrownKind { try database.execute("INSERT INTO acked VALUES (2)") } == .connectionLost)
        #expect(started.duration(to: .now) >= .seconds(2), "the commit waited for the missing standby")

        // A patient commit hangs while the standby is down, in the SyncRep wait...
        let patient = try PostgresDatabase(url: url, password: ThrowawayPostgres.password, maxConnections: 1,
                                           statementTimeout: .seconds(120))
        let outcome = Outcome()
        let thread = Thread {
            let result: String
            do { result = "inserted \(try patient.execute("INSERT INTO acked VALUES (3)"))" } catch { result = "\(error)" }
            outcome.value.withLock { $0 = result }
        }
        thread.start()
        #expect(eventually(timeout: .seconds(20)) {
            // At least ours: the timed-out INSERT's backend may still wait too (it has not noticed
            // its client left).
            (try? primary.psql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'"))
                .flatMap(Int.init).map { $0 >= 1 } ?? false
        }, "the INSERT waits for the synchronous standby")
        try? Thread.sleep(forTimeInterval: 1)
        #expect(outcome.value.withLock { $0 } == nil, "no COMMIT returns while the synchronous standby is down")

        // ... and returns once the standby is back and has flushed it.
        try standby.restart()
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) { outcome.value.withLock { $0 } != nil })
        #expect(outcome.value.withLock { $0 } == "inserted 1")
        #expect(eventually(timeout: .seconds(10)) {
            (try? standby.psql("SELECT string_agg(x::text, ',' ORDER BY x) FROM acked", database: name)) == "1,2,3"
        }, "the timed-out commit was kept locally and replicated once the standby was back: 'may or may not'")
        database.close()
        patient.close()
    }
}

/// What the waiting thread's INSERT came to.
private final class Outcome: Sendable {
    let value = Mutex<String?>(nil)
}
