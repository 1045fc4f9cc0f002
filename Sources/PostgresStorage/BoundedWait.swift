import Dispatch
import Foundation
import NIOCore

/// Waiting on an event-loop future from a blocking thread, with a deadline of our own.
///
/// postgres-nio's own deadlines (the connect timeout, the statement timer that closes a
/// connection) all run on the pool's event loop; should that loop stall, or a future never
/// complete (a close waiting on a peer that neither answers nor resets), `.wait()` would block the
/// calling thread, the batch writer's among them, for ever: the failover test once saw a gateway
/// commit nothing for 150 s after the promotion (docs/reliability.md). Every wait in this module
/// goes through here, so no thread waits on the database longer than its deadline plus `grace`.
enum BoundedWait {
    struct TimedOut: Error {}
    /// The connection closed and the future had not completed `grace` later.
    struct Abandoned: Error {}

    /// The future's value, or `TimedOut` once `limit` has passed (the future is left to finish).
    ///
    /// With `isClosed` (the connection's): `Abandoned` once the connection has been seen closed
    /// for `grace` without the future completing (looked at every `grace`). postgres-nio writes a
    /// query to its channel without a promise for the write, so a query sent on a connection that
    /// has just closed (the server died under it) is dropped with its result promise never
    /// completed: without this the caller waited for the whole `limit` (the batch writer's ROLLBACK
    /// after a lost statement, seen in a thread dump of the gateway stalled in the failover test),
    /// and before BoundedWait for ever.
    static func value<T>(of future: EventLoopFuture<T>, within limit: Duration,
                         abandonedWhen isClosed: (() -> Bool)? = nil, grace: Duration = .seconds(1)) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        future.whenComplete { result in
            box.set(result)
            done.signal()
        }
        let deadline = DispatchTime.now() + .nanoseconds(Int(limit.nanoseconds))
        var closedSeen = false
        while true {
            let slice = isClosed == nil ? deadline : min(deadline, .now() + .nanoseconds(Int(grace.nanoseconds)))
            if done.wait(timeout: slice) == .success { break }
            if DispatchTime.now() >= deadline { throw TimedOut() }
            // Closed at two looks in a row: closed for at least `grace`, and the answer never came.
            if isClosed?() == true {
                if closedSeen { throw Abandoned() }
                closedSeen = true
            }
        }
        guard let result = box.get() else { throw Abandoned() }
        return try result.get()
    }

    /// Closes a connection, waiting at most `limit` for it (a close that hangs is left behind).
    static func close(_ close: EventLoopFuture<Void>, within limit: Duration = .seconds(5)) {
        _ = try? value(of: close, within: limit)
    }
}

/// The result a future delivered, handed from the event loop to the waiting thread.
private final class ResultBox<T>: @unchecked Sendable {
    // @unchecked: `result` is only touched under `lock`.
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) {
        lock.lock()
        result = value
        lock.unlock()
    }

    func get() -> Result<T, any Error>? {
        lock.lock()
        defer { lock.unlock() }
        return result
    }
}

extension Duration {
    /// Whole nanoseconds, 0 for a negative duration.
    fileprivate var nanoseconds: Int64 {
        max(0, components.seconds) * 1_000_000_000 + max(0, components.attoseconds) / 1_000_000_000
    }
}
