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
}
