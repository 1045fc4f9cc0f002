/// Why a presented ticket code is not genuine.
public enum TicketCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text does not have ``TicketCode/length`` characters.
    case wrongLength(actual: Int, expected: Int)
    /// A character (at a zero-based offset) is not in the code alphabet.
    case invalidCharacter(Character, offset: Int)
    /// The first symbol names a key this keyring does not hold (never issued, or removed).
    case unknownKeyID(TicketKeyID)
    /// The tag does not match: a forged, altered or mistyped code.
    case badSignature

    public var description: String {
        switch self {
        case let .wrongLength(actual, expected):
            "a ticket code has \(expected) characters, this one has \(actual)"
        case let .invalidCharacter(character, offset):
            "character \(offset + 1) (\(character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " "))) is not one of 0-9 A-Z (without U)"
        case let .unknownKeyID(id):
            "no signing key with id \(id) is known"
        case .badSignature:
            "the code's signature does not match: it was altered, mistyped or forged"
        }
    }
}
