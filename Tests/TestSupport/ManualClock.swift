import Synchronization

/// A wall clock that moves only when a test says so.
public final class ManualClock: Sendable {
    private let value: Mutex<Int64>

    public init(_ start: Int64) { value = Mutex(start) }

    public func now() -> Int64 { value.withLock { $0 } }

    public func advance(byMillis millis: Int64) { value.withLock { $0 += millis } }
}
