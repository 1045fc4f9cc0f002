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

    /// The future's value, or `TimedOut` once `limit` has passed (the future is left to finish).
    static func value<T>(of future: EventLoopFuture<T>, within limit: Duration) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        future.whenComplete { result in
            box.set(result)
            done.signal()
        }
        let nanoseconds = max(0, limit.components.seconds) * 1_000_000_000 + limit.components.attoseconds / 1_000_000_000
        guard done.wait(timeout: .now() + .nanoseconds(Int(min(nanoseconds, Int64(Int.max))))) == .success,
              let result = box.get()
        else { throw TimedOut() }
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
