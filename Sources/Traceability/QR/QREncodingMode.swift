/// How the text is packed into the symbol.
public enum QREncodingMode: Sendable, Hashable {
    /// `0-9 A-Z $%*+-./:` and space, 5.5 bits per character: upper-cased URLs fit here.
    case alphanumeric
    /// Any bytes (the text's UTF-8), 8 bits per byte.
    case byte

    /// The characters alphanumeric mode can carry.
    static let alphanumericSet: Set<UInt8> = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// The most compact mode that can carry all of `bytes`.
    static func choose(for bytes: [UInt8]) -> QREncodingMode {
        bytes.allSatisfy(alphanumericSet.contains) ? .alphanumeric : .byte
    }
}
