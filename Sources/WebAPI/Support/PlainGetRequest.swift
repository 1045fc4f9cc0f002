import NIOCore

/// One complete, plain HTTP/1.1 `GET` read from a connection's bytes before HTTP's decoder sees
/// them (`RawPageAnswerer`): what a phone or a load generator sends for a cached page. Anything
/// else, or anything this parser is not sure of, is nil, and the bytes go to the real decoder:
/// this is a shortcut for the common case, never a second interpretation of unusual requests.
///
/// Accepted: exactly `GET <target> HTTP/1.1 CRLF`, header lines `name: value CRLF` (a token name,
/// visible bytes, spaces and tabs in the value), the empty line, and nothing after it (no second
/// pipelined request, no body). Refused: any header that gives the message a body or changes the
/// connection (`Content-Length`, `Transfer-Encoding`, `Upgrade`, `Expect`, `Connection` other
/// than `keep-alive`), a repeated `Accept-Language`, bare LF, folded lines, more than 8 KiB.
struct PlainGetRequest: Equatable {
    var target: String
    var acceptLanguage: String?

    static let maxBytes = 8_192

    static func parse(_ buffer: ByteBuffer) -> PlainGetRequest? {
        guard buffer.readableBytes <= maxBytes, buffer.readableBytes >= 18 else { return nil }
        return buffer.withUnsafeReadableBytes { parse(bytes: $0) }
    }

    static func parse(bytes: UnsafeRawBufferPointer) -> PlainGetRequest? {
        let end = bytes.count
        guard end >= 4, bytes[end - 4] == cr, bytes[end - 3] == lf, bytes[end - 2] == cr, bytes[end - 1] == lf,
              bytes[0] == UInt8(ascii: "G"), bytes[1] == UInt8(ascii: "E"), bytes[2] == UInt8(ascii: "T"),
              bytes[3] == space else { return nil }
        // The target: visible ASCII up to the single space before the version.
        var i = 4
        let targetStart = i
        while i < end, bytes[i] != space {
            guard bytes[i] > 0x20, bytes[i] < 0x7F else { return nil }
            i += 1
        }
        guard i > targetStart, bytes[targetStart] == UInt8(ascii: "/") else { return nil }
        let targetEnd = i
        let version: StaticString = " HTTP/1.1\r\n"
        guard end - i >= version.utf8CodeUnitCount else { return nil }
        for k in 0..<version.utf8CodeUnitCount where bytes[i + k] != version.utf8Start[k] { return nil }
        i += version.utf8CodeUnitCount

        var acceptLanguage: String?
        // Header lines until the empty line that ends the buffer (checked above).
        while i < end - 2 {
            let nameStart = i
            while i < end, isToken(bytes[i]) { i += 1 }
            guard i > nameStart, i < end, bytes[i] == UInt8(ascii: ":") else { return nil }
            let nameEnd = i
            i += 1
            while i < end, bytes[i] == space || bytes[i] == tab { i += 1 }
            let valueStart = i
            while i < end, bytes[i] != cr {
                let b = bytes[i]
                guard b >= 0x20 || b == tab, b != 0x7F else { return nil }
                i += 1
            }
            guard i + 1 < end, bytes[i + 1] == lf else { return nil }
            var valueEnd = i
            while valueEnd > valueStart, bytes[valueEnd - 1] == space || bytes[valueEnd - 1] == tab { valueEnd -= 1 }
            i += 2
            let name = UnsafeRawBufferPointer(rebasing: bytes[nameStart..<nameEnd])
            let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd])
            switch name.count {
            case 6 where equalsLowercased(name, "expect"), 7 where equalsLowercased(name, "upgrade"),
                 14 where equalsLowercased(name, "content-length"), 17 where equalsLowercased(name, "transfer-encoding"):
                return nil
            case 10 where equalsLowercased(name, "connection"):
                guard equalsLowercased(value, "keep-alive") else { return nil }
            case 15 where equalsLowercased(name, "accept-language"):
                guard acceptLanguage == nil else { return nil }
                acceptLanguage = String(decoding: value, as: UTF8.self)
            default:
                break
            }
        }
        guard i == end - 2 else { return nil }
        let target = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[targetStart..<targetEnd]), as: UTF8.self)
        return PlainGetRequest(target: target, acceptLanguage: acceptLanguage)
    }

    private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    /// RFC 9110 `tchar`.
    private static func isToken(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    /// `bytes` equals the lower-case ASCII `word`, ignoring the case of `bytes`.
    private static func equalsLowercased(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        for k in 0..<bytes.count where bytes[k] | 0x20 != word.utf8Start[k] { return false }
        return true
    }
}
