/// JSON numbers: strict grammar, a correctly rounded double, and the exact integer when there is one.
extension JSONScanner {
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
}
