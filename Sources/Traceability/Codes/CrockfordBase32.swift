/// Crockford's base32 alphabet: digits and upper-case letters without I, L, O and U.
///
/// Chosen because every symbol is in the QR alphanumeric set (so an upper-cased URL stays in the
/// compact alphanumeric mode) and because the letters that look like digits are missing, which
/// lets a consumer who types a code get `O`/`I`/`L` "wrong" without harm.
enum CrockfordBase32 {
    /// The 32 symbols in value order.
    static let symbols: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// Value of every ASCII byte, or `invalid`; lower case and the look-alikes `O`, `I`, `L` are
    /// folded to what they stand for.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 128)
        for (value, symbol) in symbols.enumerated() {
            table[Int(symbol)] = UInt8(value)
            table[Int(symbol | 0x20)] = UInt8(value)   // lower case (digits are unaffected)
        }
        for (alias, value) in [("O", 0), ("I", 1), ("L", 1)] {
            let byte = alias.utf8.first!
            table[Int(byte)] = UInt8(value)
            table[Int(byte | 0x20)] = UInt8(value)
        }
        return table
    }()

    static let invalid: UInt8 = 0xFF

    /// The 5-bit value of `byte`, or `nil` if it is not a symbol of the alphabet.
    static func value(of byte: UInt8) -> UInt8? {
        guard byte < 128 else { return nil }
        let value = values[Int(byte)]
        return value == invalid ? nil : value
    }

    /// Appends the lowest `count * 5` bits of `bits` as `count` symbols, most significant first.
    static func append(_ bits: UInt64, symbolCount count: Int, to output: inout [UInt8]) {
        for index in stride(from: count - 1, through: 0, by: -1) {
            output.append(symbols[Int((bits >> UInt64(index * 5)) & 0x1F)])
        }
    }
}
