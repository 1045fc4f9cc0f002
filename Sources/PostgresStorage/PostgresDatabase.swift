import Foundation
import KitchenModel
import PostgresNIO

/// A small blocking connection pool over postgres-nio, for the store's synchronous `throws` methods:
/// they run on the writer thread and on HTTP handlers, never on a NIO event loop. The connections
/// live on this pool's own event loop group; each call waits on its future from the calling thread.
///
/// Connections go to the first host of the URL that accepts us and, with
/// `target_session_attrs=read-write` (the default), is not a standby. A connection that dies is
/// dropped; the next call opens a new one, to whichever host is writable by then (a promoted
/// standby). Nothing here crashes on a database fault: every failure is a thrown
/// `PostgresStoreError`.
public final class PostgresDatabase: @unchecked Sendable {
    public let url: PostgresURL
    public let maxConnections: Int
    private let password: String?
    private let checkoutTimeout: Duration
    private let statementTimeout: Duration
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let tls: PostgresConnection.Configuration.TLS
    /// Set for a shard owner's pool: every transaction checks the lease first, and statements
    /// outside a transaction run in one (`ShardFence`).
    public let fence: ShardFence?

    // Guarded by `condition`; no I/O is ever done while holding it.
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var openCount = 0
    private var closed = false
    private var nextID = 1

    /// - Parameters:
    ///   - password: from `PostgresPassword.resolve` (nil for trust or peer authentication).
    ///   - maxConnections: the most connections open at once; a caller beyond that waits for one.
    ///   - checkoutTimeout: how long a caller waits for a free connection before failing.
    ///   - statementTimeout: how long one statement may go unanswered before its connection is
    ///     closed and the call fails (a hung server or a silently dropped network).
    public init(url: PostgresURL, password: String?, maxConnections: Int = 4,
                checkoutTimeout: Duration = .seconds(30), statementTimeout: Duration = .seconds(60),
                logger: Logger = Logger(label: "bk.postgres"), fence: ShardFence? = nil) throws {
        precondition(maxConnections > 0, "a pool needs at least one connection")
        self.url = url
        self.password = password
        self.maxConnections = maxConnections
        self.checkoutTimeout = checkoutTimeout
        self.statementTimeout = statementTimeout
        self.logger = logger
        self.fence = fence
        tls = try Self.tls(for: url.sslMode)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    deinit { close() }

    /// Runs one statement on a pooled connection and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ binds: [PostgresValue] = []) throws -> [PostgresRow] {
        try withSession { try $0.query(sql, binds) }
    }

    /// Runs one statement on a pooled connection and returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ binds: [PostgresValue] = []) throws -> Int {
        try withSession { try $0.execute(sql, binds) }
    }

    /// Runs `body` inside BEGIN ... COMMIT on one connection; any error thrown by `body` or by a
    /// statement rolls it back, and is rethrown. When the connection is lost during COMMIT the
    /// outcome is unknown to us: the error says so, and writes must be idempotent to be retried.
    /// With a `fence`, the lease is checked (and its row held shared) before `body` runs.
    public func transaction<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try lend { session in
            try session.execute("BEGIN")
            let result: T
            do {
                try fence?.check(session)
                result = try body(session)
            } catch {
                // A lost connection rolls back by itself: no ROLLBACK is sent on it.
                let lost = (error as? PostgresStoreError)?.kind == .connectionLost || session.connection.isClosed
                if !lost { _ = try? session.execute("ROLLBACK") }
                throw error
            }
            let commit: PostgresQueryResult
            do {
                commit = try session.run("COMMIT", [])
            } catch let error as PostgresStoreError where error.kind == .connectionLost {
                throw PostgresStoreError(.connectionLost, "the connection was lost during COMMIT: the transaction "
                    + "may or may not have been committed (\(error.message))")
            }
            // A transaction already failed (an error `body` caught and ignored) answers COMMIT with
            // ROLLBACK and no error: nothing was written, which the caller must hear about.
            if commit.metadata.command == "ROLLBACK" {
                throw PostgresStoreError(.server, "the transaction was rolled back: a statement in it failed earlier")
            }
            return result
        }
    }

    /// Lends one connection for several statements outside a transaction (e.g. DDL that must not
    /// run in one, or a session-level setting). A fenced pool runs them in a transaction instead,
    /// so no write escapes the lease check.
    public func withSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        if fence != nil { return try transaction(body) }
        return try lend(body)
    }

    private func lend<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let connection = try checkOut()
        do {
            let result = try body(PostgresSession(connection: connection, logger: logger, timeout: statementTimeout))
            checkIn(connection, broken: false)
            return result
        } catch {
            let lost = (error as? PostgresStoreError)?.kind == .connectionLost
            checkIn(connection, broken: lost || connection.isClosed)
            throw error
        }
    }

    /// Closes every connection and the event loop group. Calls after this fail; connections in use
    /// are closed when they come back.
    public func close() {
        condition.lock()
        let wasClosed = closed
        closed = true
        let connections = idle
        idle.removeAll()
        openCount -= connections.count
        condition.broadcast()
        condition.unlock()
        guard !wasClosed else { return }
        for connection in connections { BoundedWait.close(connection.close()) }
        try? group.syncShutdownGracefully()
    }

    /// How many connections are open (idle or lent): for tests and `/healthz`.
    public var openConnections: Int {
        condition.lock()
        defer { condition.unlock() }
        return openCount
    }

    // MARK: - The pool

    private func checkOut() throws -> PostgresConnection {
        let deadline = Date().addingTimeInterval(checkoutTimeout.inSeconds)
        condition.lock()
        while true {
            if closed {
                condition.unlock()
                throw PostgresStoreError(.pool, "the database pool for \(url) is closed")
            }
            if let connection = idle.popLast() {
                if connection.isClosed {
                    // Died while idle (server restart, failover): forget it and look again.
                    openCount -= 1
                    continue
                }
                condition.unlock()
                return connection
            }
            if openCount < maxConnections {
                openCount += 1
                let id = nextID
                nextID += 1
                condition.unlock()
                do {
                    return try connect(id: id)
                } catch {
                    condition.lock()
                    openCount -= 1
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            if !condition.wait(until: deadline) {
                condition.unlock()
                throw PostgresStoreError(.pool, "no database connection came free within \(checkoutTimeout) "
                    + "(all \(maxConnections) in use)")
            }
        }
    }

    private func checkIn(_ connection: PostgresConnection, broken: Bool) {
        condition.lock()
        let keep = !broken && !closed && !connection.isClosed
        if keep { idle.append(connection) } else { openCount -= 1 }
        condition.signal()
        condition.unlock()
        if !keep { BoundedWait.close(connection.close()) }
    }

    // MARK: - Connecting

    /// Tries each host in order; the first that accepts us and suits `target_session_attrs` wins.
    func connect(id: Int) throws -> PostgresConnection {
        var failures: [String] = []
        for host in url.hosts {
            let place = "\(host.name):\(host.port)"
            do {
                // postgres-nio bounds the TCP connect and the handshake by connect_timeout; our own
                // deadline, a little later, also holds should its timer never fire.
                let connecting = PostgresConnection.connect(on: group.next(), configuration: configuration(host),
                                                            id: id, logger: logger)
                let connection: PostgresConnection
                do {
                    connection = try BoundedWait.value(of: connecting, within: .seconds(url.connectTimeoutSeconds + 5))
                } catch is BoundedWait.TimedOut {
                    connecting.whenSuccess { let _: EventLoopFuture<Void> = $0.close() }
                    throw PostgresStoreError(.connect, "no answer within \(url.connectTimeoutSeconds + 5) s")
                }
                if url.sessionAttributes == .readWrite {
                    let inRecovery: Bool
                    do {
                        let session = PostgresSession(connection: connection, logger: logger, timeout: statementTimeout)
                        inRecovery = try session.query("SELECT pg_is_in_recovery()").first?.decode(Bool.self) ?? true
                    } catch {
                        BoundedWait.close(connection.close())
                        throw error
                    }
                    if inRecovery {
                        BoundedWait.close(connection.close())
                        failures.append("\(place) is a standby (read-only)")
                        continue
                    }
                }
                return connection
            } catch {
                let translated = PostgresStoreError.from(error)
                // A refused password is the same on every host: say it plainly, not as "no host".
                if translated.kind == .authentication {
                    throw PostgresStoreError(.authentication, "\(url): \(translated.message)",
                                             sqlState: translated.sqlState)
                }
                failures.append("\(place): \(translated.message)")
            }
        }
        let what = url.sessionAttributes == .readWrite ? "no writable PostgreSQL server" : "no PostgreSQL server"
        throw PostgresStoreError(.connect, "\(what) for \(url): " + failures.joined(separator: "; "))
    }

    private func configuration(_ host: PostgresURL.Host) -> PostgresConnection.Configuration {
        // A host that is a directory is where the server's Unix socket is (libpq's convention,
        // e.g. postgres://bk@%2Fvar%2Frun%2Fpostgresql/bk): no TLS there, peer authentication works.
        var configuration = host.name.hasPrefix("/")
            ? PostgresConnection.Configuration(unixSocketPath: "\(host.name)/.s.PGSQL.\(host.port)", username: url.user,
                                               password: password, database: url.database)
            : PostgresConnection.Configuration(host: host.name, port: host.port, username: url.user,
                                               password: password, database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(url.connectTimeoutSeconds))
        // The server gives up too when we do: a statement our timer abandoned (its connection
        // closed) would otherwise run on, or wait for a lock, holding the locks it took, since a
        // backend only notices a vanished client when it next talks to it; and a transaction left
        // open by a stuck client is rolled back.
        let seconds = Int(statementTimeout.inSeconds.rounded(.up))
        var parameters = [("statement_timeout", "\(seconds + 5)s"),
                          ("idle_in_transaction_session_timeout", "\(seconds * 2 + 5)s")]
        if let name = url.applicationName { parameters.append(("application_name", name)) }
        configuration.options.additionalStartupParameters = parameters
        return configuration
    }

    private static func tls(for mode: PostgresURL.SSLMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable:
            return .disable
        case .prefer, .require:
            // libpq's prefer and require encrypt without checking the certificate.
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            let context = try NIOSSLContext(configuration: configuration)
            return mode == .prefer ? .prefer(context) : .require(context)
        case .verifyFull:
            return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }
}
