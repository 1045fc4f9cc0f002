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
              let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
              y >= 1970, (1...12).contains(m), d >= 1, d <= Self.daysIn(month: m, year: y)
        else { return nil }
        // Days from civil (Howard Hinnant's algorithm), the inverse of LedgerChain.day(of:).
        let yy = m <= 2 ? y - 1 : y
        let era = yy / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        number = era * 146_097 + doe - 719_468
    }

    /// The China day containing `time`.
    public init(containing time: EpochMillis) {
        self.init(LedgerChain.day(of: time))!   // day(of:) always writes a valid date
    }

    public var description: String { LedgerChain.day(of: number * 86_400_000 - 8 * 3_600_000) }

    /// 00:00 of this day in China, ms since the epoch.
    public var start: EpochMillis { number * 86_400_000 - 8 * 3_600_000 }

    public static func < (a: Self, b: Self) -> Bool { a.number < b.number }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
