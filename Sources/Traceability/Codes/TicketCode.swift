/// A genuine ticket code: the text printed in the QR and the receipt, and what it names.
///
/// A value of this type only comes from ``TicketKeyring/mint(_:)`` or a successful
/// ``TicketKeyring/verify(_:)``, so holding one means the signature was checked.
///
/// Format (25 symbols of Crockford base32, `0-9 A-Z` without `I L O U`, 125 bits):
///
/// ```
/// symbol   0         1 … 12                     13 … 24
///          key id    ticket id (60 bits, MSB first)   tag (60 bits)
/// example  1         0V7M2K9QXH4A                     G8N3ZT1C6WPR
/// ```
///
/// `tag` is the first 60 bits of HMAC-SHA256(key, "BK-TICKET-1" ‖ key id byte ‖ ticket id as
/// 8 bytes big-endian). Every symbol is in the QR alphanumeric set, so `HTTPS://HOST/T/<code>`
/// encodes at 5.5 bits per character. Reading is case-insensitive and takes `O` for `0` and
/// `I`/`L` for `1`; the canonical text is upper case. `docs/ticket-codes.md` has the bit budget.
public struct TicketCode: Hashable, Sendable, CustomStringConvertible {
    /// Symbols in a code.
    public static let length = 25

    /// The key that signed the code.
    public let keyID: TicketKeyID
    /// The ticket the code names.
    public let ticketID: TicketID
    /// The canonical (upper-case) text.
    public let text: String

    init(keyID: TicketKeyID, ticketID: TicketID, tag: UInt64) {
        self.keyID = keyID
        self.ticketID = ticketID
        var symbols: [UInt8] = []
        symbols.reserveCapacity(Self.length)
        symbols.append(CrockfordBase32.symbols[Int(keyID.rawValue)])
        CrockfordBase32.append(ticketID.rawValue, symbolCount: 12, to: &symbols)
        CrockfordBase32.append(tag, symbolCount: 12, to: &symbols)
        self.text = String(decoding: symbols, as: UTF8.self)
    }

    public var description: String { text }
}

/// The parts of a code that is well-formed but not yet verified.
struct UnverifiedTicketCode {
    let keyID: TicketKeyID
    let ticketID: TicketID
    let tag: UInt64

    /// Splits `text` into its parts, or says what is wrong with its shape.
    init(parsing text: String) throws(TicketCodeError) {
        let scalars = text.unicodeScalars
        guard scalars.count == TicketCode.length else {
            throw .wrongLength(actual: scalars.count, expected: TicketCode.length)
        }
        var values: [UInt8] = []
        values.reserveCapacity(TicketCode.length)
        for (offset, scalar) in scalars.enumerated() {
            guard scalar.isASCII, let value = CrockfordBase32.value(of: UInt8(scalar.value)) else {
                throw .invalidCharacter(Character(scalar), offset: offset)
            }
            values.append(value)
        }
        keyID = TicketKeyID(rawValue: values[0])!
        ticketID = TicketID(rawValue: Self.bits(values[1...12]))!
        tag = Self.bits(values[13...24])
    }

    private static func bits(_ symbols: ArraySlice<UInt8>) -> UInt64 {
        symbols.reduce(UInt64(0)) { $0 << 5 | UInt64($1) }
    }
}
