import Foundation
import KitchenModel
import PostgresNIO
import Synchronization

/// One connection lent to a caller for the length of a `PostgresDatabase.transaction` or
/// `withSession` closure. Blocking: each call waits, on the calling thread, for the server's
/// answer. Must not escape the closure, and must not be used from a NIO event loop thread.
public struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    /// How long one statement may go unanswered before its connection is closed (a server that
    /// stopped answering, a network that dropped without a reset): the call then fails instead of
    /// blocking its thread for ever.
    let timeout: Duration

    /// Runs one statement (a single statement: the extended protocol takes no `;`-separated lists)
    /// and returns all its rows. Decode them with `row.decode((Int64, String?).self)` or
    /// `row.makeRandomAccess()["column"].decode(Int64.self)`.
    @discardableResult
    public func query(_ sql: String, _ binds: [PostgresValue] = []) throws -> [PostgresRow] {
        try run(sql, binds).rows
    }

    /// Runs one statement and returns how many rows it inserted, updated or deleted
    /// (0 for an `INSERT ... ON CONFLICT DO NOTHING` that met its conflict).
    @discardableResult
    public func execute(_ sql: String, _ binds: [PostgresValue] = []) throws -> Int {
        try run(sql, binds).metadata.rows ?? 0
    }

    /// The statement's command tag too (e.g. `COMMIT` answered by `ROLLBACK`).
    func run(_ sql: String, _ binds: [PostgresValue]) throws -> PostgresQueryResult {
        let fired = TimeoutFlag()
        let connection = connection
        let timer = connection.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
            + timeout.components.attoseconds / 1_000_000_000)) {
            fired.fire()
            let _: EventLoopFuture<Void> = connection.close()
        }
        defer { timer.cancel() }
        do {
            // The timer above closes the connection at `timeout`; the bounded wait returns even if
            // that close never completes the query's future.
            guard !connection.isClosed else {
                throw PostgresStoreError(.connectionLost, "the connection to the database was lost")
            }
            return try BoundedWait.value(of: connection.query(PostgresValue.query(sql, binds), logger: logger),
                                         within: timeout + .seconds(5), abandonedWhen: { connection.isClosed })
        } catch is BoundedWait.Abandoned where !fired.hasFired {
            throw PostgresStoreError(.connectionLost, "the connection to the database closed before the statement was "
                + "answered: it may or may not have run")
        } catch is BoundedWait.TimedOut {
            let _: EventLoopFuture<Void> = connection.close()
            throw PostgresStoreError(.connectionLost, "the database did not answer within \(timeout.inSeconds.formatted()) s "
                + "and the connection did not close: the statement may or may not have run")
        } catch {
            if fired.hasFired {
                let seconds = timeout.inSeconds
                throw PostgresStoreError(.connectionLost, "the database did not answer within \(seconds.formatted()) s: "
                    + "the connection was closed, and the statement may or may not have run")
            }
            throw PostgresStoreError.from(error)
        }
    }
}

/// Set on the event loop when a statement's time is up, read by the waiting thread.
private final class TimeoutFlag: Sendable {
    private let fired = Mutex(false)
    func fire() { fired.withLock { $0 = true } }
    var hasFired: Bool { fired.withLock { $0 } }
}
