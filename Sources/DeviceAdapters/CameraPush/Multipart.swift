/// `multipart/form-data` and `multipart/mixed` bodies as cameras send them: an alert part
/// (XML or JSON) and picture parts. Vendors differ in details, so the reader takes the boundary
/// verbatim (`boundary=<frontier>` keeps its angle brackets), accepts LF as well as CRLF line
/// ends, and a body whose last delimiter lacks the closing `--` (the ISAPI guide's own sample).
/// It refuses what would make a picture wrong: a part that never ends, a part shorter than its
/// own `Content-Length`, too many parts, oversized part headers.
public struct MultipartPart: Hashable, Sendable {
    /// Header names lower-cased; values as sent.
    public var headers: [String: String]
    public var body: [UInt8]

    public var contentType: String { (headers["content-type"] ?? "").lowercased() }

    /// The `name` parameter of `Content-Disposition` (ISAPI names the alert part after the event
    /// type and pictures after their role).
    public var name: String? { MultipartBody.parameter("name", in: headers["content-disposition"] ?? "") }
}

public enum MultipartBody {
    public static let maxParts = 16
    public static let maxHeaderBytes = 4_096

    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The boundary of a `multipart/...` content type, nil for any other type.
    public static func boundary(contentType: String) -> String? {
        let lower = contentType.lowercased()
        guard lower.hasPrefix("multipart/") else { return nil }
        guard let value = parameter("boundary", in: contentType), !value.isEmpty, value.utf8.count <= 200 else { return nil }
        return value
    }

    /// A `;`-separated parameter of a header value, unquoted.
    static func parameter(_ wanted: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharactersASCII().lowercased() == wanted else { continue }
            var value = pair[1].trimmingCharactersASCII()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    public static func parse(_ body: [UInt8], boundary: String) throws(Problem) -> [MultipartPart] {
        let delimiter = Array(("--" + boundary).utf8)
        guard var at = find(delimiter, in: body, from: 0) else {
            throw Problem(message: "multipart body holds no '--\(boundary.prefix(70))' delimiter")
        }
        var parts: [MultipartPart] = []
        while true {
            at += delimiter.count
            // `--` after a delimiter closes the body; so does the end of the body right after it.
            if at + 2 <= body.count, body[at] == 0x2D, body[at + 1] == 0x2D { return parts }
            at = skipLinearSpace(body, at)
            if at >= body.count { return parts }
            guard body[at] == 0x0A || (body[at] == 0x0D && at + 1 < body.count && body[at + 1] == 0x0A) else {
                throw Problem(message: "multipart delimiter not followed by a line end at byte \(at)")
            }
            at += body[at] == 0x0D ? 2 : 1
            // A last delimiter without `--`, then only the line end: the guide's own sample ends so.
            if at >= body.count { return parts }
            guard parts.count < maxParts else { throw Problem(message: "more than \(maxParts) parts") }
            let (headers, bodyStart) = try readHeaders(body, at)
            guard let next = find(delimiter, in: body, from: bodyStart) else {
                throw Problem(message: "multipart body is truncated: part \(parts.count + 1) never ends")
            }
            // The line end before the delimiter belongs to the delimiter.
            var end = next
            if end > bodyStart, body[end - 1] == 0x0A { end -= 1 }
            if end > bodyStart, body[end - 1] == 0x0D { end -= 1 }
            let content = Array(body[bodyStart..<end])
            if let declared = headers["content-length"].flatMap({ Int($0) }), content.count < declared {
                throw Problem(message: "multipart part \(parts.count + 1) is truncated: \(content.count) of its \(declared) bytes")
            }
            parts.append(MultipartPart(headers: headers, body: content))
            at = next
        }
    }

    private static func readHeaders(_ body: [UInt8], _ start: Int) throws(Problem) -> ([String: String], Int) {
        var headers: [String: String] = [:]
        var at = start
        while true {
            guard at - start <= maxHeaderBytes else { throw Problem(message: "multipart part headers over \(maxHeaderBytes) bytes") }
            guard let lineEnd = body[at...].firstIndex(of: 0x0A), lineEnd - start <= maxHeaderBytes else {
                throw Problem(message: "multipart body is truncated inside a part's headers")
            }
            var line = body[at..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            at = lineEnd + 1
            if line.isEmpty { return (headers, at) }
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else {
                throw Problem(message: "multipart part header without ':' (\(text.prefix(40)))")
            }
            headers[text[..<colon].trimmingCharactersASCII().lowercased()] = text[text.index(after: colon)...].trimmingCharactersASCII()
        }
    }

    private static func skipLinearSpace(_ body: [UInt8], _ from: Int) -> Int {
        var at = from
        while at < body.count, body[at] == 0x20 || body[at] == 0x09 { at += 1 }
        return at
    }

    /// The first `needle` at or after `from` that starts a line (or the body).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            guard let hit = haystack[i...last].firstIndex(of: first) else { return nil }
            if (hit == 0 || haystack[hit - 1] == 0x0A), haystack[hit..<(hit + needle.count)].elementsEqual(needle) { return hit }
            i = hit + 1
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingCharactersASCII() -> String { String(self).trimmingASCIISpace }
}
