/// RFC 8259 reading for `PushJSON`: iterative over members, recursive over nesting up to
/// `maxDepth`, strings decoded with their escapes (a megabyte base64 picture takes the fast path).
extension PushJSON {
    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> PushJSON {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        let value = try reader.value(depth: 1)
        reader.skipSpace()
        guard reader.pos == bytes.count else { throw reader.fail("unexpected data after the JSON value") }
        return value
    }

    fileprivate struct Reader {
        let bytes: [UInt8]
        var pos = 0

        func fail(_ problem: String) -> SyntaxError { SyntaxError(offset: pos, problem: problem) }

        mutating func skipSpace() {
            while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x09 || bytes[pos] == 0x0A || bytes[pos] == 0x0D { pos += 1 }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> PushJSON {
            guard pos < bytes.count else { throw fail("the body ends where a value was expected") }
            switch bytes[pos] {
            case 0x7B: return try object(depth: depth)
            case 0x5B: return try array(depth: depth)
            case 0x22: return .string(try string())
            case 0x74: try literal("true"); return .bool(true)
            case 0x66: try literal("false"); return .bool(false)
            case 0x6E: try literal("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func object(depth: Int) throws(SyntaxError) -> PushJSON {
            guard depth <= PushJSON.maxDepth else { throw fail("JSON is nested deeper than \(PushJSON.maxDepth) levels") }
            pos += 1
            var members: [(key: String, value: PushJSON)] = []
            var seen = Set<String>()
            skipSpace()
            if pos < bytes.count, bytes[pos] == 0x7D { pos += 1; return .object(members) }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == 0x22 else { throw fail("expected a member name in quotes") }
                let keyAt = pos
                let key = try string()
                guard seen.insert(key).inserted else {
                    throw SyntaxError(offset: keyAt, problem: "duplicate key '\(key.prefix(64))'")
                }
                skipSpace()
                guard pos < bytes.count, bytes[pos] == 0x3A else { throw fail("expected ':' after a member name") }
                pos += 1
                skipSpace()
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard pos < bytes.count else { throw fail("the body ends inside an object") }
                if bytes[pos] == 0x2C { pos += 1; continue }
                if bytes[pos] == 0x7D { pos += 1; return .object(members) }
                throw fail("expected ',' or '}' in an object")
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> PushJSON {
            guard depth <= PushJSON.maxDepth else { throw fail("JSON is nested deeper than \(PushJSON.maxDepth) levels") }
            pos += 1
            var values: [PushJSON] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == 0x5D { pos += 1; return .array(values) }
            while true {
                skipSpace()
                values.append(try value(depth: depth + 1))
                skipSpace()
                guard pos < bytes.count else { throw fail("the body ends inside an array") }
                if bytes[pos] == 0x2C { pos += 1; continue }
                if bytes[pos] == 0x5D { pos += 1; return .array(values) }
                throw fail("expected ',' or ']' in an array")
            }
        }

        mutating func literal(_ word: StaticString) throws(SyntaxError) {
            let count = word.utf8CodeUnitCount
            guard pos + count <= bytes.count else { throw fail("the body ends inside a literal") }
            let matches = word.withUTF8Buffer { expected in (0..<count).allSatisfy { bytes[pos + $0] == expected[$0] } }
            guard matches else { throw fail("unknown literal") }
            pos += count
        }

        mutating func number() throws(SyntaxError) -> Double {
            let start = pos
            if pos < bytes.count, bytes[pos] == 0x2D { pos += 1 }
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("expected a value") }
            if bytes[pos] == 0x30 {
                pos += 1
                if pos < bytes.count, isDigit(bytes[pos]) { throw fail("a number must not start with 0") }
            } else {
                while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
            }
            if pos < bytes.count, bytes[pos] == 0x2E {
                pos += 1
                guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("expected digits after '.'") }
                while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
            }
            if pos < bytes.count, bytes[pos] == 0x65 || bytes[pos] == 0x45 {
                pos += 1
                if pos < bytes.count, bytes[pos] == 0x2B || bytes[pos] == 0x2D { pos += 1 }
                guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail("expected digits in the exponent") }
                while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
            }
            guard pos - start <= 64, let value = Double(String(decoding: bytes[start..<pos], as: UTF8.self)), value.isFinite else {
                throw SyntaxError(offset: start, problem: "number out of range")
            }
            return value
        }

        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

        mutating func string() throws(SyntaxError) -> String {
            pos += 1
            let start = pos
            // Fast path: no escapes (a base64 picture is megabytes of plain ASCII).
            while pos < bytes.count, bytes[pos] != 0x22, bytes[pos] != 0x5C, bytes[pos] >= 0x20 { pos += 1 }
            guard pos < bytes.count else { throw fail("the body ends inside a string") }
            if bytes[pos] == 0x22 {
                let raw = bytes[start..<pos]
                pos += 1
                return try utf8(raw, at: start)
            }
            var out = Array(bytes[start..<pos])
            while true {
                guard pos < bytes.count else { throw fail("the body ends inside a string") }
                let b = bytes[pos]
                if b == 0x22 { pos += 1; return try utf8(out[...], at: start) }
                guard b >= 0x20 else { throw fail("control character in a string") }
                if b != 0x5C { out.append(b); pos += 1; continue }
                pos += 1
                guard pos < bytes.count else { throw fail("the body ends inside an escape") }
                let e = bytes[pos]
                pos += 1
                switch e {
                case 0x22, 0x5C, 0x2F: out.append(e)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard pos + 1 < bytes.count, bytes[pos] == 0x5C, bytes[pos + 1] == 0x75 else { throw fail("lone surrogate") }
                        pos += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("lone surrogate")
                    }
                    guard let s = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(s)).utf8))
                default: throw fail("invalid escape")
                }
            }
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard pos + 4 <= bytes.count else { throw fail("the body ends inside a \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[pos]
                let digit: UInt32
                switch b {
                case 0x30...0x39: digit = UInt32(b - 0x30)
                case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                default: throw fail("invalid \\u escape")
                }
                value = value * 16 + digit
                pos += 1
            }
            return value
        }

        func utf8(_ raw: ArraySlice<UInt8>, at offset: Int) throws(SyntaxError) -> String {
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw SyntaxError(offset: offset, problem: "a string is not valid UTF-8")
            }
            return text
        }
    }
}
