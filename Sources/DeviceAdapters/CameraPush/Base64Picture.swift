/// Base64 pictures as GA/T 1400 devices send them in `SubImageInfoObject.Data`: the standard
/// alphabet, padding optional, line breaks tolerated (Java's MIME encoder wraps at 76), and the
/// `data:image/jpeg;base64,` prefix some platforms add. Anything else is refused with the offset
/// of the first bad character, never guessed at.
public enum Base64Picture {
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Decodes at most `maxBytes` of output; a longer picture is refused before it is decoded.
    public static func decode(_ text: String, maxBytes: Int) throws(Problem) -> [UInt8] {
        var utf8 = Substring(text).utf8[...]
        if let comma = utf8.firstIndex(of: 0x2C), text.hasPrefix("data:"), utf8.distance(from: utf8.startIndex, to: comma) < 64 {
            utf8 = utf8[utf8.index(after: comma)...]
        }
        guard utf8.count / 4 * 3 <= maxBytes + 3 else {
            throw Problem(message: "picture of about \(utf8.count / 4 * 3) bytes is over the \(maxBytes)-byte limit")
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 4 * 3)
        var quad: UInt32 = 0
        var have = 0
        var padding = 0
        var offset = 0
        for c in utf8 {
            defer { offset += 1 }
            if c == 0x0A || c == 0x0D { continue }
            if c == 0x3D { padding += 1; continue }
            let v = table[Int(c)]
            guard v != 0xFF, padding == 0 else {
                throw Problem(message: "bad base64 at character \(offset)" + (padding > 0 ? " (data after '=')" : ""))
            }
            quad = quad << 6 | UInt32(v)
            have += 1
            if have == 4 {
                out.append(UInt8(quad >> 16)); out.append(UInt8(quad >> 8 & 0xFF)); out.append(UInt8(quad & 0xFF))
                quad = 0
                have = 0
            }
        }
        switch have {
        case 0: guard padding == 0 else { throw Problem(message: "bad base64 padding") }
        case 2:
            guard padding == 0 || padding == 2 else { throw Problem(message: "bad base64 padding") }
            out.append(UInt8(quad >> 4))
        case 3:
            guard padding == 0 || padding == 1 else { throw Problem(message: "bad base64 padding") }
            out.append(UInt8(quad >> 10)); out.append(UInt8(quad >> 2 & 0xFF))
        default: throw Problem(message: "base64 is truncated (a lone character at the end)")
        }
        guard !out.isEmpty else { throw Problem(message: "empty picture") }
        guard out.count <= maxBytes else { throw Problem(message: "picture of \(out.count) bytes is over the \(maxBytes)-byte limit") }
        return out
    }
}
