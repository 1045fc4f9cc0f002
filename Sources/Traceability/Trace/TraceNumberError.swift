/// Why a typed trace number is not one.
public enum TraceNumberError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There are not exactly 20 digits (more than 20 is reported as 21).
    case wrongDigitCount(Int)
    /// A character (at a zero-based offset) is neither a digit nor a space or hyphen.
    case invalidCharacter(Character, offset: Int)
    /// The check digit does not match: a digit was mistyped or two were swapped.
    case checkDigitMismatch
    /// The digits are well-formed but name no possible ticket id (at least 2^60).
    case outOfRange

    public var description: String {
        switch self {
        case let .wrongDigitCount(count): "a trace number has \(TraceNumber.length) digits, this one has \(count > TraceNumber.length ? "more" : String(count))"
        case let .invalidCharacter(character, offset): "character \(offset + 1) ('\(character)') is not a digit"
        case .checkDigitMismatch: "the check digit does not match: a digit is mistyped or two are swapped"
        case .outOfRange: "this number cannot belong to a ticket"
        }
    }
}
