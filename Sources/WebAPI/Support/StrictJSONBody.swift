import Foundation
import Hummingbird

/// The API's request decoder: a strict pass over the body, then Foundation's `JSONDecoder`.
/// Foundation silently keeps one of two equal keys (`{"item":"青菜","item":"毒"}`) and turns
/// `\u001b` or `\u202e` escapes into text; the device side refuses duplicate keys (see
/// DeviceIngest's `JSONObject.firstDuplicateKey`) and the HTTP side now does too, along with
/// any string, key or value, holding a character `TypedText` refuses. Errors name the member
/// (`supplier.name`, `evidence[3]`), so a client sees what to fix. Lengths stay with each
/// body's own field checks, which know what a field is for.
struct StrictJSONDecoder: RequestDecoder {
    func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = Array(buffer.readableBytesView)
        try StrictJSONBody.check(bytes)
        return try JSONDecoder().decode(T.self, from: Data(bytes))
    }
}

/// A recursive-descent walk of one JSON document that decodes only what it must: keys (to
/// compare them) and strings (to check their characters). Numbers and literals are skipped
/// loosely; `JSONDecoder` judges them right after.
struct StrictJSONBody {
    /// API bodies are a few levels deep; anything deeper is refused before recursion grows.
    static let maxDepth = 16

    private let bytes: [UInt8]
    private var pos = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func check(_ bytes: [UInt8]) throws(APIError) {
        var walk = StrictJSONBody(bytes)
        walk.skipSpace()
        try walk.value(path: "", depth: 0)
        walk.skipSpace()
        guard walk.pos == bytes.count else { throw walk.syntax("unexpected data after the JSON value") }
    }

    private func syntax(_ problem: String) -> APIError {
        APIError.badRequest("the body is not valid JSON at byte \(pos): \(problem)")
    }

    private mutating func skipSpace() {
        while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
    }

    private mutating func value(path: String, depth: Int) throws(APIError) {
        guard pos < bytes.count else { throw syntax("the body ends early") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): try object(path: path, depth: depth + 1)
        case UInt8(ascii: "["): try array(path: path, depth: depth + 1)
        case UInt8(ascii: "\""):
            let text = try string()
            // A scanned QR text keeps its line breaks (a 承诺达标合格证 is lines of key：value).
            let multiline = Self.multilineMembers.contains(path)
            if let bad = text.unicodeScalars.first(where: { TypedText.isForbidden($0) && !(multiline && ($0 == "\n" || $0 == "\r")) }) {
                throw APIError.badRequest("\(path.isEmpty ? "the body" : path) must not contain control or bidi-override "
                                          + "characters (found \(TypedText.name(bad)))")
            }
        default:
            // Numbers, true, false, null: the decoder checks their form.
            let start = pos
            while pos < bytes.count, !Self.endsScalar(bytes[pos]) { pos += 1 }
            guard pos > start else { throw syntax("a value is missing") }
        }
    }

    private static func endsScalar(_ b: UInt8) -> Bool {
        [UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D].contains(b)
    }

    /// Members whose text may hold line breaks (CR, LF); every other control character is still refused.
    static let multilineMembers: Set<String> = ["qr_text"]

    private mutating func object(path: String, depth: Int) throws(APIError) {
        guard depth <= Self.maxDepth else { throw APIError.badRequest("the body nests deeper than \(Self.maxDepth) levels") }
        pos += 1
        var keys = Set<String>()
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return }
        while true {
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw syntax("expected a key in quotes") }
            let key = try string()
            let member = path.isEmpty ? key : "\(path).\(key)"
            if let bad = TypedText.forbiddenScalar(in: key) {
                throw APIError.badRequest("a key in \(path.isEmpty ? "the body" : path) holds \(TypedText.name(bad))")
            }
            guard keys.insert(key).inserted else {
                throw APIError.badRequest("duplicate key '\(member.prefix(128))': each member may appear once")
            }
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw syntax("expected ':' after a key") }
            pos += 1
            skipSpace()
            try value(path: member, depth: depth)
            skipSpace()
            guard pos < bytes.count else { throw syntax("the body ends inside an object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            guard bytes[pos] == UInt8(ascii: "}") else { throw syntax("expected ',' or '}'") }
            pos += 1
            return
        }
    }

    private mutating func array(path: String, depth: Int) throws(APIError) {
        guard depth <= Self.maxDepth else { throw APIError.badRequest("the body nests deeper than \(Self.maxDepth) levels") }
        pos += 1
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return }
        var index = 0
        while true {
            skipSpace()
            try value(path: "\(path)[\(index)]", depth: depth)
            index += 1
            skipSpace()
            guard pos < bytes.count else { throw syntax("the body ends inside an array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            guard bytes[pos] == UInt8(ascii: "]") else { throw syntax("expected ',' or ']'") }
            pos += 1
            return
        }
    }

    /// The string at `pos` (on its opening quote), unescaped. Raw bytes below 0x20 are
    /// invalid JSON; invalid UTF-8 and unpaired surrogates are refused.
    private mutating func string() throws(APIError) -> String {
        pos += 1
        var units: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw syntax("a string is not closed") }
            let b = bytes[pos]
            pos += 1
            switch b {
            case UInt8(ascii: "\""):
                guard let text = String(validating: units, as: UTF8.self) else { throw syntax("a string is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                try escape(into: &units)
            case ..<0x20:
                pos -= 1
                throw APIError.badRequest("the body holds a raw control character (\(TypedText.name(Unicode.Scalar(b))))"
                                          + " at byte \(pos)")
            default:
                units.append(b)
            }
        }
    }

    private mutating func escape(into units: inout [UInt8]) throws(APIError) {
        guard pos < bytes.count else { throw syntax("a string is not closed") }
        let b = bytes[pos]
        pos += 1
        let simple: UInt8? = switch b {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): b
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
        if let simple { units.append(simple); return }
        guard b == UInt8(ascii: "u") else { throw syntax("unknown escape '\\\(Character(Unicode.Scalar(b)))'") }
        var scalar = UInt32(try hex4())
        if (0xD800...0xDBFF).contains(scalar) {
            guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                throw syntax("an unpaired surrogate escape")
            }
            pos += 2
            let low = UInt32(try hex4())
            guard (0xDC00...0xDFFF).contains(low) else { throw syntax("an unpaired surrogate escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw syntax("an unpaired surrogate escape")
        }
        guard let s = Unicode.Scalar(scalar) else { throw syntax("an invalid \\u escape") }
        units.append(contentsOf: String(Character(s)).utf8)
    }

    private mutating func hex4() throws(APIError) -> UInt16 {
        guard pos + 4 <= bytes.count else { throw syntax("a \\u escape needs 4 hex digits") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw syntax("a \\u escape needs 4 hex digits")
            }
            value = value << 4 | UInt16(digit)
            pos += 1
        }
        return value
    }
}
