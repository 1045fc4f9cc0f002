/// Which signing key a ticket code was made with: one base32 symbol, so 32 ids in rotation.
public struct TicketKeyID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Number of distinct key ids.
    public static let count = 32

    /// The id as an integer in `0..<32`.
    public let rawValue: UInt8

    /// Wraps `rawValue`, or returns `nil` if it is 32 or more.
    public init?(rawValue: UInt8) {
        guard Int(rawValue) < Self.count else { return nil }
        self.rawValue = rawValue
    }

    /// Parses the single base32 symbol that shows the id in codes, read as in a code: any case,
    /// `O` as `0`, `I` and `L` as `1`.
    public init?(symbol: String) {
        let bytes = Array(symbol.utf8)
        guard bytes.count == 1, let value = CrockfordBase32.value(of: bytes[0]) else { return nil }
        self.rawValue = value
    }

    /// The id after this one, wrapping from `Z` (31) to `0`.
    public var next: TicketKeyID { TicketKeyID(rawValue: (rawValue + 1) % UInt8(Self.count))! }

    /// The base32 symbol, as it appears first in every code signed with this key.
    public var description: String {
        String(decoding: [CrockfordBase32.symbols[Int(rawValue)]], as: UTF8.self)
    }

    public static func < (lhs: TicketKeyID, rhs: TicketKeyID) -> Bool { lhs.rawValue < rhs.rawValue }
}
