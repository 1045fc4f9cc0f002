/// Builds the URL a ticket's QR code holds: `<BASE><CODE>`, upper case throughout.
///
/// Upper case keeps every character in the QR alphanumeric set (5.5 bits each instead of 8);
/// scheme and host are case-insensitive, and the gateway's lookup route must accept its path in
/// upper case. A version-3 symbol at level M holds 61 alphanumeric characters, so the base may
/// have at most 61 − 25 = 36 (`HTTPS://TRACE.EXAMPLE-MARKET.CN/T/` has 34).
public struct TicketLookupURL: Sendable, Hashable {
    /// Alphanumeric characters a version-3, level-M QR symbol holds.
    public static let version3Capacity = 61
    /// The longest base that keeps the QR code at version 3, level M.
    public static let maximumBaseLength = version3Capacity - TicketCode.length

    /// The upper-cased base, ending in `/`.
    public let base: String

    /// Checks and upper-cases `base` (a missing trailing `/` is added).
    public init(base: String) throws(TicketLookupURLError) {
        var upper = base.uppercased()
        if !upper.hasSuffix("/") { upper += "/" }
        if let bad = upper.unicodeScalars.first(where: { !$0.isASCII || !QREncodingMode.alphanumericSet.contains(UInt8($0.value)) }) {
            throw .notAlphanumeric(Character(bad))
        }
        guard upper.utf8.count <= Self.maximumBaseLength else {
            throw .tooLong(length: upper.utf8.count, maximum: Self.maximumBaseLength)
        }
        self.base = upper
    }

    /// The lookup URL for `code`.
    public func url(for code: TicketCode) -> String {
        base + code.text
    }
}

/// Why a base URL cannot carry ticket codes in a version-3 QR symbol.
public enum TicketLookupURLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A character outside `0-9 A-Z $%*+-./:` and space (after upper-casing), such as `?`, `_`
    /// or `=`; it would force byte mode and a larger symbol.
    case notAlphanumeric(Character)
    /// The base (with its trailing `/`) is longer than ``TicketLookupURL/maximumBaseLength``.
    case tooLong(length: Int, maximum: Int)

    public var description: String {
        switch self {
        case let .notAlphanumeric(character): "'\(character)' cannot be in a QR alphanumeric URL"
        case let .tooLong(length, maximum): "the base URL has \(length) characters; at most \(maximum) keep the QR code at version 3"
        }
    }
}
