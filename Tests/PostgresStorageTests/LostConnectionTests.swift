import Foundation
import PostgresStorage
import TestSupport
import Testing

/// postgres-nio drops a query sent on a connection that has just closed without ever completing
/// its result (it writes without a promise): the failover test's gateway waited a whole statement
/// timeout for a ROLLBACK sent on its lost connection, committing nothing meanwhile. A statement on
/// a closed connection now fails at once, and the pool sends no ROLLBACK on one.
@Suite struct LostConnectionTests {
    @Test func aStatementOnAClosedConnectionFailsAtOnce() throws {
        let fixture = try PostgresFixture()
        let database = try PostgresDatabase(url: fixture.url, password: ThrowawayPostgres.password, maxConnections: 1,
                                            statementTimeout: .seconds(30))
        defer { database.close() }
        let started = ContinuousClock.now
        let kind: PostgresStoreError.Kind? = try database.withSession { session in
            let pid = try #require(try session.query("SELECT pg_backend_pid()").first?.decode(Int32.self))
            try fixture.database.execute("SELECT pg_terminate_backend($1::int)", [.int(Int64(pid))])
            // The server's goodbye arrives; then the next statement goes out on a closed connection.
            Thread.sleep(forTimeInterval: 0.5)
            do {
                try session.execute("SELECT 1")
                return nil
            } catch let error as PostgresStoreError {
                return error.kind
            }
        }
        #expect(kind == .connectionLost)
        #expect(started.duration(to: .now) < .seconds(10), "not the 30 s statement timeout")
        // The pool replaced the lost connection.
        #expect(try database.query("SELECT 1").count == 1)
    }

    @Test func aTransactionWhoseConnectionIsLostFailsAtOnce() throws {
        let fixture = try PostgresFixture()
        let database = try PostgresDatabase(url: fixture.url, password: ThrowawayPostgres.password, maxConnections: 1,
                                            statementTimeout: .seconds(30))
        defer { database.close() }
        try database.execute("CREATE TABLE t (x bigint)")
        let started = ContinuousClock.now
        let error = #expect(throws: PostgresStoreError.self) {
            try database.transaction { session in
                try session.execute("INSERT INTO t VALUES (1)")
                let pid = try #require(try session.query("SELECT pg_backend_pid()").first?.decode(Int32.self))
                try fixture.database.execute("SELECT pg_terminate_backend($1::int)", [.int(Int64(pid))])
                Thread.sleep(forTimeInterval: 0.5)
                try session.execute("INSERT INTO t VALUES (2)")
            }
        }
        #expect(error?.kind == .connectionLost, "\(String(describing: error))")
        #expect(started.duration(to: .now) < .seconds(10), "no ROLLBACK waited on the lost connection")
        #expect(try database.query("SELECT count(*) FROM t").first?.decode(Int64.self) == 0)
    }
}
