import Foundation

/// The gateway's notion of "now". Rules take time as an argument; services read it
/// from a clock that tests replace, so "5 days overdue" runs in milliseconds.
public protocol WallClock: Sendable {
    func now() -> EpochMillis
}

public struct SystemClock: WallClock {
    public init() {}
    public func now() -> EpochMillis { EpochMillis(Date().timeIntervalSince1970 * 1000) }
}
