import KitchenModel
import StorageModel

/// A calendar date `YYYY-MM-DD` as a day number (days since 1970-01-01), for certificate expiry
/// arithmetic. Days are China Standard Time, like the chain's day heads (`LedgerChain.day(of:)`).
public struct CivilDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let number: Int64

    /// Nil unless `text` is a real date written `YYYY-MM-DD` between 1970 and 9999.
    public init?(_ text: String) {
        guard let date = CivilDate(parsing: text), date.year >= 1970 else { return nil }
        number = date.dayNumber
    }

    /// The China day containing `time`, for any time: a device's `ts` may lie far past year 9999,
    /// which has no `YYYY-MM-DD` of 10 characters (and `time + 8 h` may not fit an Int64).
    public init(containing time: EpochMillis) {
        let day: EpochMillis = 86_400_000
        let offset: EpochMillis = 8 * 3_600_000
        var q = time / day
        var r = time % day
        if r < 0 { q -= 1; r += day }
        number = r >= day - offset ? q + 1 : q
    }

    public var description: String { LedgerChain.day(of: number * 86_400_000 - 8 * 3_600_000) }

    /// 00:00 of this day in China, ms since the epoch.
    public var start: EpochMillis { number * 86_400_000 - 8 * 3_600_000 }

    public static func < (a: Self, b: Self) -> Bool { a.number < b.number }
}
