import Foundation
import PostgresStorage
import TestSupport
import Testing

@Suite struct PostgresDatabaseTests {
    @Test func valuesRoundTrip() throws {
        let fixture = try PostgresFixture(migrated: false)
        try fixture.database.execute("""
            CREATE TABLE t (i bigint, d double precision, s text, b bytea, f boolean, n text)
            """)
        #expect(try fixture.database.execute("INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)",
                                             [.int(-42), .double(2.5), .text("温度 ok"), .bytes([0, 255, 7]),
                                              .bool(true), nil]) == 1)
        let row = try #require(try fixture.database.query("SELECT i, d, s, b, f, n FROM t").first)
        // bytea decodes as Data (or ByteBuffer), not [UInt8].
        let (i, d, s, b, f, n) = try row.decode((Int64, Double, String, Data, Bool, String?).self)
        #expect(i == -42 && d == 2.5 && s == "温度 ok" && Array(b) == [0, 255, 7] && f && n == nil)
        // A wrong type is named, not hidden behind postgres-nio's generic description. (Not with
        // String as the target: postgres-nio reads any column as a String, even a binary bigint.)
        do {
            _ = try row.decode((Int64, Double, Int64, Data, Bool, String?).self)
            Issue.record("text decoded as Int64")
        } catch {
            let message = PostgresStoreError(translating: error).description
            #expect(message.contains("column 's'") && message.contains("cannot be read as Int64"), "\(message)")
        }
    }

    @Test func aTransactionCommitsOrRollsBackWhole() throws {
        let fixture = try PostgresFixture(migrated: false)
        try fixture.database.execute("CREATE TABLE t (k text PRIMARY KEY)")
        try fixture.database.transaction { session in
            try session.execute("INSERT INTO t VALUES ('a')")
            try session.execute("INSERT INTO t VALUES ('b')")
        }
        // The second insert conflicts: the first of the same transaction goes too.
        let kind = thrownKind {
            try fixture.database.transaction { session in
                try session.execute("INSERT INTO t VALUES ('c')")
                try session.execute("INSERT INTO t VALUES ('a')")
            }
        }
        #expect(kind == .server)
        // An error caught inside the closure still means nothing was written, and COMMIT says so.
        let swallowed = thrownDescription {
            try fixture.database.transaction { session in
                try session.execute("INSERT INTO t VALUES ('d')")
                _ = try? session.execute("INSERT INTO t VALUES ('a')")
            }
        }
        #expect(swallowed?.contains("rolled back") == true)
        #expect(try fixture.database.query("SELECT k FROM t ORDER BY k").map { try $0.decode(String.self) } == ["a", "b"])
        // The unique violation is reported with the server's words and SQLSTATE.
        do {
            try fixture.database.execute("INSERT INTO t VALUES ('a')")
            Issue.record("a duplicate key was accepted")
        } catch let error as PostgresStoreError {
            #expect(error.sqlState == "23505")
            #expect(error.description.contains("duplicate key value violates unique constraint"))
        }
    }

    @Test func reconnectsAfterTheServerRestartsAndFailsClearlyWhileItIsDown() throws {
        let server = try ThrowawayPostgres()
        let fixture = try PostgresFixture(server: server, migrated: false)
        let before = try #require(try fixture.database.query("SELECT pg_backend_pid()").first?.decode(Int32.self))

        try server.restart()
        let after = try #require(try fixture.database.query("SELECT pg_backend_pid()").first?.decode(Int32.self))
        #expect(after != before)

        server.stop()
        // The idle connection is usually known dead by now; if not, the call that meets it says so.
        var down = thrownDescription { try fixture.database.query("SELECT 1") }
        if down?.contains("connection to the database was lost") == true {
            down = thrownDescription { try fixture.database.query("SELECT 1") }
        }
        #expect(down?.contains("no writable PostgreSQL server for \(fixture.url)") == true)
        #expect(down?.contains("127.0.0.1:\(server.port)") == true)
        #expect(fixture.database.openConnections == 0)

        try server.restart()
        #expect(try fixture.database.query("SELECT 1").first?.decode(Int32.self) == 1)
    }

    @Test func aConnectionKilledWhileIdleIsReplaced() throws {
        let fixture = try PostgresFixture(migrated: false)
        let pid = try #require(try fixture.database.query("SELECT pg_backend_pid()").first?.decode(Int32.self))
        try fixture.server.psql("SELECT pg_terminate_backend(\(pid))")
        // The first call may meet the dead connection; whatever it says, the next one works.
        let first = Result { try fixture.database.query("SELECT pg_backend_pid()").first?.decode(Int32.self) }
        if case .failure(let error) = first {
            #expect((error as? PostgresStoreError)?.kind == .connectionLost)
        }
        let next = try fixture.database.query("SELECT pg_backend_pid()").first?.decode(Int32.self)
        #expect(next != nil && next != pid)
    }

    /// A server that stops answering (here: our backend process stopped) fails the call after the
    /// statement timeout instead of blocking its thread; the next call gets a new connection.
    @Test func aHungServerFailsTheCallInsteadOfBlockingIt() throws {
        let fixture = try PostgresFixture(migrated: false)
        let database = try PostgresDatabase(url: fixture.url, password: ThrowawayPostgres.password,
                                            statementTimeout: .milliseconds(500))
        let pid = try #require(try database.query("SELECT pg_backend_pid()").first?.decode(Int32.self))
        kill(pid, SIGSTOP)
        defer { kill(pid, SIGCONT) }
        let started = ContinuousClock.now
        let message = thrownDescription { try database.query("SELECT 1") }
        #expect(message?.contains("did not answer within 0.5 s") == true, "\(message ?? "")")
        #expect(started.duration(to: .now) < .seconds(10))
        kill(pid, SIGCONT)
        #expect(try database.query("SELECT pg_backend_pid()").first?.decode(Int32.self) != pid)
    }

    @Test func hostsAreTriedInOrder() throws {
        let server = try ThrowawayPostgres.shared()
        let name = try server.createDatabase()
        let nobody = freePort()
        let url = try PostgresURL("postgres://postgres@127.0.0.1:\(nobody),127.0.0.1:\(server.port)/\(name)"
            + "?sslmode=disable&connect_timeout=2")
        let database = try PostgresDatabase(url: url, password: ThrowawayPostgres.password)
        #expect(try database.query("SELECT inet_server_port()").first?.decode(Int32.self) == Int32(server.port))
    }

    /// `target_session_attrs=read-write`: a standby listed first is passed over; after the primary
    /// dies and the standby is promoted, the same pool finds it by itself.
    @Test func aStandbyIsPassedOverUntilItIsPromoted() throws {
        let primary = try ThrowawayPostgres()
        let standby = try primary.makeStandby()
        let name = try primary.createDatabase()
        #expect(eventually(timeout: .seconds(20)) { (try? standby.psql("SELECT 1", database: name)) == "1" })
        let url = try PostgresURL("postgres://postgres@127.0.0.1:\(standby.port),127.0.0.1:\(primary.port)/\(name)"
            + "?sslmode=disable&connect_timeout=2")
        let database = try PostgresDatabase(url: url, password: ThrowawayPostgres.password)
        let port = { try database.query("SELECT inet_server_port()").first?.decode(Int32.self) }
        #expect(try port() == Int32(primary.port))

        let standbyOnly = try PostgresDatabase(url: PostgresURL(standby.url(database: name)),
                                               password: ThrowawayPostgres.password)
        let refused = thrownDescription { try standbyOnly.query("SELECT 1") }
        #expect(refused?.contains("127.0.0.1:\(standby.port) is a standby (read-only)") == true)

        primary.stop()
        try standby.promote()
        // The pool's connection to the dead primary is dropped; the next call lands on the new primary.
        var after = Result { try port() }
        if case .failure = after { after = Result { try port() } }
        #expect(try after.get() == Int32(standby.port))
        try database.execute("CREATE TABLE written_after_failover (x bigint)")
    }

    /// libpq's form for a Unix socket: the host is the socket's directory, percent-encoded.
    @Test func connectsThroughTheUnixSocketToo() throws {
        let server = try ThrowawayPostgres.shared()
        let name = try server.createDatabase()
        let directory = try #require(server.socketDirectory.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let url = try PostgresURL("postgres://postgres@\(directory):\(server.port)/\(name)")
        #expect(url.hosts.first?.name == server.socketDirectory)
        // The socket trusts local users: no password.
        let database = try PostgresDatabase(url: url, password: nil)
        #expect(try database.query("SELECT inet_server_port() IS NULL").first?.decode(Bool.self) == true)
    }

    @Test func aWrongOrMissingPasswordSaysSo() throws {
        let fixture = try PostgresFixture(migrated: false)
        let wrong = thrownDescription { try fixture.reopen(password: "not-it").query("SELECT 1") }
        #expect(wrong?.contains("password authentication failed for user \"postgres\"") == true)
        #expect(wrong?.contains(PostgresPassword.environmentVariable) == true)
        #expect(thrownKind { try fixture.reopen(password: "not-it").query("SELECT 1") } == .authentication)

        let missing = thrownDescription { try fixture.reopen(password: nil).query("SELECT 1") }
        #expect(missing?.contains("asks for a password and none was given") == true)
    }

    @Test func aMissingDatabaseIsNamed() throws {
        let server = try ThrowawayPostgres.shared()
        let url = try PostgresURL(server.url(database: "no_such_db"))
        let message = thrownDescription {
            try PostgresDatabase(url: url, password: ThrowawayPostgres.password).query("SELECT 1")
        }
        #expect(message?.contains("database \"no_such_db\" does not exist") == true)
    }

    @Test func callersBeyondThePoolWaitForAConnection() throws {
        let fixture = try PostgresFixture(migrated: false)
        let database = try PostgresDatabase(url: fixture.url, password: ThrowawayPostgres.password, maxConnections: 1,
                                            checkoutTimeout: .milliseconds(300))
        try database.withSession { _ in
            // The only connection is lent out: another caller times out with a clear error.
            let message = thrownDescription { try database.query("SELECT 1") }
            #expect(message?.contains("no database connection came free") == true)
        }
        #expect(try database.query("SELECT 1").first?.decode(Int32.self) == 1)
        database.close()
        #expect(thrownKind { try database.query("SELECT 1") } == .pool)
    }
}
