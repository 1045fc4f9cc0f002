/// The 20-digit trace number printed beside the QR code: the ticket id in 19 decimal digits
/// (zero-padded; 2^60 < 10^19) followed by a Damm check digit.
///
/// It is the ticket id in another spelling, so a lookup by trace number is a lookup by id, and
/// it carries no signature: it is for reading aloud and typing, the QR code is the proof.
public struct TraceNumber: Hashable, Sendable, CustomStringConvertible {
    /// Digits in a trace number.
    public static let length = 20

    /// The ticket this number names.
    public let ticketID: TicketID
    /// The 20 digits, no separators.
    public let digits: String

    /// The trace number of `ticketID`.
    public init(ticketID: TicketID) {
        self.ticketID = ticketID
        var body = Array(String(ticketID.rawValue).utf8).map { $0 - UInt8(ascii: "0") }
        body.insert(contentsOf: repeatElement(0, count: Self.length - 1 - body.count), at: 0)
        body.append(DammCheckDigit.interim(body))
        digits = String(decoding: body.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    }

    /// Reads a trace number as a person types it: spaces and hyphens between digits are ignored.
    public init(parsing text: String) throws(TraceNumberError) {
        var values: [UInt8] = []
        for (offset, scalar) in text.unicodeScalars.enumerated() where scalar != " " && scalar != "-" {
            guard scalar.isASCII, let digit = UInt8(exactly: scalar.value), (0x30...0x39).contains(digit) else {
                throw .invalidCharacter(Character(scalar), offset: offset)
            }
            values.append(digit - 0x30)
            guard values.count <= Self.length else { break }
        }
        guard values.count == Self.length else { throw .wrongDigitCount(values.count) }
        guard DammCheckDigit.interim(values) == 0 else { throw .checkDigitMismatch }
        let number = values.dropLast().reduce(UInt64(0)) { $0 * 10 + UInt64($1) }
        guard let id = TicketID(rawValue: number) else { throw .outOfRange }
        self.init(ticketID: id)
    }

    /// The digits in five groups of four, easier to read aloud and to copy.
    public var grouped: String {
        stride(from: 0, to: Self.length, by: 4).map { start in
            let from = digits.index(digits.startIndex, offsetBy: start)
            return String(digits[from..<digits.index(from, offsetBy: 4)])
        }.joined(separator: " ")
    }

    public var description: String { digits }
}
