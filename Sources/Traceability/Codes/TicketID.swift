/// The identity of one ticket: 60 random bits.
///
/// 60 bits is the floor the issue sets for "unguessable" and exactly twelve base32 symbols; it also
/// fits the 19 digits of a ``TraceNumber`` (2^60 < 10^19). Ids are random, not sequential, so a
/// ticket id reveals neither how many tickets a market issues nor its neighbours' ids. Random ids
/// can collide (about one chance in two after 2^30 tickets): the store should keep them unique and
/// mint again on a clash.
public struct TicketID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Number of significant bits.
    public static let bitCount = 60
    /// The largest valid raw value, 2^60 − 1.
    public static let maxRawValue: UInt64 = (1 << 60) - 1

    /// The id as an integer in `0...maxRawValue`.
    public let rawValue: UInt64

    /// Wraps `rawValue`, or returns `nil` if it has more than 60 bits.
    public init?(rawValue: UInt64) {
        guard rawValue <= Self.maxRawValue else { return nil }
        self.rawValue = rawValue
    }

    /// A fresh id from `generator`, which must be cryptographically secure for real tickets.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> TicketID {
        TicketID(rawValue: generator.next() & maxRawValue)!
    }

    /// A fresh id from the system's cryptographically secure generator.
    public static func random() -> TicketID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// The id as twelve base32 symbols, the same as in a ticket code.
    public var description: String {
        var text: [UInt8] = []
        CrockfordBase32.append(rawValue, symbolCount: 12, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    public static func < (lhs: TicketID, rhs: TicketID) -> Bool { lhs.rawValue < rhs.rawValue }
}
