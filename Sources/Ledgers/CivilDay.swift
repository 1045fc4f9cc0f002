import KitchenModel
import StorageModel

/// A calendar date `YYYY-MM-DD` as a day number (days since 1970-01-01), for certificate expiry
/// arithmetic. Days are China Standard Time, like the chain's day heads (`LedgerChain.day(of:)`).
public struct CivilDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let number: Int64

    /// Nil unless `text` is a real date written `YYYY-MM-DD` between 1970 and 9999.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]), y >= 1970,
              let date = CivilDate(year: y, month: m, day: d)
        else { return nil }
        number = date.dayNumber
    }

    /// The China day containing `time`.
    public init(containing time: EpochMillis) {
        self.init(LedgerChain.day(of: time))!   // day(of:) always writes a valid date
    }

    public var description: String { LedgerChain.day(of: number * 86_400_000 - 8 * 3_600_000) }

    /// 00:00 of this day in China, ms since the epoch.
    public var start: EpochMillis { number * 86_400_000 - 8 * 3_600_000 }

    public static func < (a: Self, b: Self) -> Bool { a.number < b.number }
}
