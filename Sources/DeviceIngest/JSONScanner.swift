/// Byte-level scanning of RFC 8259 JSON tokens over an untrusted payload.
///
/// Every read is bounds-checked against `end` by hand because the payload comes straight off
/// the network; nothing here recurses, so hostile nesting cannot exhaust the MQTT thread's stack.
struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    var pos = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var end: Int { bytes.count }
    var atEnd: Bool { pos >= end }

    @inline(__always)
    func peek() -> UInt8? { pos < end ? bytes[pos] : nil }

    func fail(_ problem: String) -> JSONSyntaxError { JSONSyntaxError(offset: pos, problem: problem) }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard pos < end else { throw fail("expected \(what), but the payload ends") }
        guard bytes[pos] == byte else { throw fail("expected \(what), found \(Self.describe(bytes[pos]))") }
        pos += 1
    }

    /// Names a byte for an error message without echoing control characters.
    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }

    // MARK: Scalars

    /// Scans `true`, `false` or `null` at `pos`.
    mutating func scanLiteral() throws(JSONSyntaxError) -> JSONValue {
        func matches(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard end - pos >= n else { return false }
            for i in 0..<n where bytes[pos + i] != word.utf8Start[i] { return false }
            return true
        }
        if matches("true") { pos += 4; return .bool(true) }
        if matches("false") { pos += 5; return .bool(false) }
        if matches("null") { pos += 4; return .null }
        // NaN, Infinity, undefined and friends land here: JSON has no such tokens.
        throw fail("unexpected \(Self.describe(bytes[pos])) where a value should start")
    }

    /// Scans one scalar (string, number or literal) starting at `pos`.
    mutating func scanScalar() throws(JSONSyntaxError) -> JSONValue {
        guard let b = peek() else { throw fail("expected a value, but the payload ends") }
        switch b {
        case 0x22:
            let (range, escaped) = try scanString()
            return .string(range, escaped: escaped)
        case 0x2D, 0x30...0x39:
            return .number(try scanNumber())
        default:
            return try scanLiteral()
        }
    }

    // MARK: Strings

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

    // MARK: Numbers

    /// Exact powers of ten: below 10^23 every one is a representable double, which is what makes
    /// the fast path below correctly rounded (one IEEE operation on two exact operands).
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Scans a number with the strict JSON grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    mutating func scanNumber() throws(JSONSyntaxError) -> JSONNumber {
        let start = pos
        var negative = false
        if bytes[pos] == 0x2D {
            negative = true
            pos += 1
        }
        guard let first = peek(), first >= 0x30 && first <= 0x39 else { throw fail("expected a digit") }

        var mantissa: UInt64 = 0
        var truncated = false   // more significant digits than fit in the mantissa
        var exponent = 0        // decimal exponent applied to the mantissa
        var plainInteger = true

        @inline(__always) func accumulate(_ digit: UInt8, fraction: Bool) {
            if mantissa <= (UInt64.max - 9) / 10 {
                mantissa = mantissa * 10 + UInt64(digit)
                if fraction { exponent -= 1 }
            } else {
                truncated = true
                if !fraction { exponent += 1 }
            }
        }

        if first == 0x30 {
            pos += 1
            if let next = peek(), next >= 0x30 && next <= 0x39 { throw fail("numbers must not have leading zeros") }
        } else {
            while let b = peek(), b >= 0x30 && b <= 0x39 {
                accumulate(b - 0x30, fraction: false)
                pos += 1
            }
        }
        if peek() == 0x2E {
            plainInteger = false
            pos += 1
            guard let b = peek(), b >= 0x30 && b <= 0x39 else { throw fail("expected a digit after the decimal point") }
            while let b = peek(), b >= 0x30 && b <= 0x39 {
                accumulate(b - 0x30, fraction: true)
                pos += 1
            }
        }
        if let e = peek(), e == 0x65 || e == 0x45 {
            plainInteger = false
            pos += 1
            var expNegative = false
            if let s = peek(), s == 0x2B || s == 0x2D {
                expNegative = s == 0x2D
                pos += 1
            }
            guard let b = peek(), b >= 0x30 && b <= 0x39 else { throw fail("expected a digit in the exponent") }
            var value = 0
            while let b = peek(), b >= 0x30 && b <= 0x39 {
                // Clamp instead of overflowing: 1e99999999999 is simply infinite.
                if value < 1_000_000 { value = value * 10 + Int(b - 0x30) }
                pos += 1
            }
            exponent += expNegative ? -value : value
        }
        let text = ByteRange(start: start, end: pos)

        var magnitude: Double
        if !truncated && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            magnitude = exponent >= 0 ? m * Self.exactPowersOfTen[exponent] : m / Self.exactPowersOfTen[-exponent]
            if negative { magnitude = -magnitude }
        } else {
            // Rare (long or extreme numbers): let the standard library round it correctly.
            let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<pos])
            guard let parsed = Double(String(decoding: slice, as: UTF8.self)) else {
                throw JSONSyntaxError(offset: start, problem: "unreadable number")
            }
            magnitude = parsed
        }
        guard magnitude.isFinite else {
            throw JSONSyntaxError(offset: start, problem: "number is too large to represent (numbers must be finite)")
        }

        var exactInt: Int64?
        if plainInteger && !truncated {
            if negative {
                if mantissa <= UInt64(Int64.max) + 1 { exactInt = mantissa == UInt64(Int64.max) + 1 ? Int64.min : -Int64(mantissa) }
            } else if mantissa <= UInt64(Int64.max) {
                exactInt = Int64(mantissa)
            }
        } else if !plainInteger, magnitude.rounded(.towardZero) == magnitude, magnitude.magnitude < 9_007_199_254_740_992 {
            // 1.5e3 or 42.0 are integers too (JSON Schema agrees); only below 2^53 is the double exact.
            exactInt = Int64(magnitude)
        }
        return JSONNumber(double: magnitude, exactInt: exactInt, text: text)
    }

    // MARK: Containers

    /// Skips a whole array or object starting at `pos` (its opening bracket) without recursion,
    /// validating its syntax. `depth` is the nesting level of this container (the payload's
    /// top-level object is level 1). Returns the container's range including its brackets.
    mutating func skipContainer(depth: Int, maxDepth: Int) throws(JSONSyntaxError) -> ByteRange {
        let start = pos
        // Bit i of `objects` is set when the container at relative level i is an object.
        var objects: UInt64 = 0
        var level = 0   // how many containers are open

        enum Next { case valueOrClose, value, afterValue }
        var next = Next.value

        while true {
            switch next {
            case .value, .valueOrClose:
                skipWhitespace()
                guard let b = peek() else { throw fail("expected a value, but the payload ends") }
                if next == .valueOrClose && (b == 0x5D || b == 0x7D) {
                    try close(b, &objects, &level)
                    next = .afterValue
                } else if b == 0x7B || b == 0x5B {
                    guard depth + level <= maxDepth else {
                        throw fail("JSON is nested deeper than \(maxDepth) levels")
                    }
                    guard level < 63 else { throw fail("JSON is nested too deeply") }
                    if b == 0x7B { objects |= 1 << UInt64(level) } else { objects &= ~(1 << UInt64(level)) }
                    level += 1
                    pos += 1
                    if b == 0x7B {
                        skipWhitespace()
                        if peek() == 0x7D {
                            try close(0x7D, &objects, &level)
                            next = .afterValue
                        } else {
                            try scanKeyAndColon()
                            next = .value
                        }
                    } else {
                        next = .valueOrClose
                    }
                } else {
                    guard level > 0 else { throw fail("expected an array or object") }
                    _ = try scanScalar()
                    next = .afterValue
                }
            case .afterValue:
                if level == 0 { return ByteRange(start: start, end: pos) }
                skipWhitespace()
                guard let b = peek() else { throw fail("container is not closed before the payload ends") }
                if b == 0x2C {
                    pos += 1
                    if objects & (1 << UInt64(level - 1)) != 0 {
                        skipWhitespace()
                        try scanKeyAndColon()
                    }
                    next = .value
                } else {
                    try close(b, &objects, &level)
                }
            }
        }
    }

    private mutating func close(_ b: UInt8, _ objects: inout UInt64, _ level: inout Int) throws(JSONSyntaxError) {
        let inObject = objects & (1 << UInt64(level - 1)) != 0
        guard b == (inObject ? 0x7D : 0x5D) else {
            throw fail(inObject ? "expected ',' or '}' in object" : "expected ',' or ']' in array")
        }
        pos += 1
        level -= 1
    }

    /// Scans `"key"` then `:` (whitespace allowed around the colon).
    @discardableResult
    mutating func scanKeyAndColon() throws(JSONSyntaxError) -> (ByteRange, escaped: Bool) {
        guard peek() == 0x22 else {
            throw fail(atEnd ? "expected a field name, but the payload ends" : "expected a quoted field name")
        }
        let key = try scanString()
        skipWhitespace()
        try expect(0x3A, "':' after a field name")
        return key
    }
}
