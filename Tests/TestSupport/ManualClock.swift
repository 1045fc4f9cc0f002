import KitchenModel
import Synchronization

/// A wall clock that moves only when a test says so; hand it to anything that takes a `WallClock`.
public final class ManualClock: WallClock {
    private let value: Mutex<EpochMillis>

    public init(_ start: EpochMillis) { value = Mutex(start) }

    public func now() -> EpochMillis { value.withLock { $0 } }

    public func advance(byMillis millis: EpochMillis) { value.withLock { $0 += millis } }
}
