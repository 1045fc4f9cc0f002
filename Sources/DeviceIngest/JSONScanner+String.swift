/// JSON strings: validated in a single pass (UTF-8, escapes, control characters) so that
/// materialising one later cannot fail.
extension JSONScanner {
    /// Scans a string starting at its opening quote; returns the range between the quotes.
    /// Validates UTF-8 (no overlongs, no encoded surrogates, nothing above U+10FFFF), rejects raw
    /// control characters and checks every escape, so a later decode cannot fail.
    mutating func scanString() throws(JSONSyntaxError) -> (ByteRange, escaped: Bool) {
        pos += 1
        let start = pos
        var escaped = false
        while pos < end {
            let b = bytes[pos]
            if b == 0x22 {
                let range = ByteRange(start: start, end: pos)
                pos += 1
                return (range, escaped)
            }
            if b == 0x5C {
                escaped = true
                try scanEscape()
            } else if b < 0x20 {
                throw fail("control character \(Self.describe(b)) inside a string must be escaped")
            } else if b < 0x80 {
                pos += 1
            } else {
                try scanMultiByteScalar()
            }
        }
        throw JSONSyntaxError(offset: start - 1, problem: "string is not terminated")
    }

    private mutating func scanEscape() throws(JSONSyntaxError) {
        guard pos + 1 < end else { throw fail("escape sequence is cut off") }
        switch bytes[pos + 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
            pos += 2
        case 0x75:
            let unit = try hexUnit(at: pos + 2)
            if (0xDC00...0xDFFF).contains(unit) { throw fail("lone low surrogate \\u\(String(unit, radix: 16))") }
            pos += 6
            if (0xD800...0xDBFF).contains(unit) {
                guard pos + 1 < end, bytes[pos] == 0x5C, bytes[pos + 1] == 0x75,
                      (0xDC00...0xDFFF).contains(try hexUnit(at: pos + 2))
                else { throw fail("high surrogate must be followed by a \\u low surrogate") }
                pos += 6
            }
        default:
            throw fail("invalid escape \\\(Self.describe(bytes[pos + 1]))")
        }
    }

    /// Reads the four hex digits of a `\u` escape at `at`.
    func hexUnit(at start: Int) throws(JSONSyntaxError) -> UInt16 {
        guard start + 4 <= end else { throw JSONSyntaxError(offset: start, problem: "\\u escape is cut off") }
        var unit: UInt16 = 0
        for i in start..<(start + 4) {
            let b = bytes[i]
            let digit: UInt8
            switch b {
            case 0x30...0x39: digit = b - 0x30
            case 0x41...0x46: digit = b - 0x41 + 10
            case 0x61...0x66: digit = b - 0x61 + 10
            default: throw JSONSyntaxError(offset: i, problem: "\\u escape needs four hex digits")
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// Validates one multi-byte UTF-8 sequence (Unicode Table 3-7, well-formed byte sequences).
    private mutating func scanMultiByteScalar() throws(JSONSyntaxError) {
        let lead = bytes[pos]
        let length: Int
        var secondLow: UInt8 = 0x80, secondHigh: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondLow = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondHigh = 0x9F
        case 0xF0: length = 4; secondLow = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondHigh = 0x8F
        default: throw fail("invalid UTF-8 lead \(Self.describe(lead))")
        }
        guard pos + length <= end else { throw fail("UTF-8 sequence is cut off") }
        let second = bytes[pos + 1]
        guard second >= secondLow && second <= secondHigh else { throw fail("invalid UTF-8 sequence") }
        var i = 2
        while i < length {
            guard bytes[pos + i] & 0xC0 == 0x80 else { throw fail("invalid UTF-8 sequence") }
            i += 1
        }
        pos += length
    }
}
