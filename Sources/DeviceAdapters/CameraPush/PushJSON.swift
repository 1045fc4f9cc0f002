/// A JSON document as cameras push it (ISAPI JSON alerts, GA/T 1400 bodies), read into a small
/// tree. The native reader keeps values as byte ranges and caps nesting at 8, which a GA/T 1400
/// notification (list → object → image list → image → sub-image list → sub-image) exceeds; this
/// one is just as strict: RFC 8259 syntax only, duplicate keys refused, lone surrogates refused,
/// nesting capped, so two readers can never disagree about what a camera sent.
public indirect enum PushJSON: Hashable, Sendable {
    case object([(key: String, value: PushJSON)])
    case array([PushJSON])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    public static let maxDepth = 24

    public struct SyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
        public let offset: Int
        public let problem: String
        public var description: String { "invalid JSON at byte \(offset): \(problem)" }
    }

    /// The member `key` of an object (nil for other values or when absent).
    public subscript(key: String) -> PushJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A string, or a number written as digits: vendors send `"EventSort": 605` and `"605"` alike.
    public var text: String? {
        switch self {
        case .string(let s): return s
        case .number(let n) where n == n.rounded() && abs(n) < 1e15: return String(Int64(n))
        default: return nil
        }
    }

    /// The elements of an array; a lone object counts as an array of one, as some vendors send it.
    public var elements: [PushJSON] {
        switch self {
        case .array(let values): values
        case .object: [self]
        default: []
        }
    }

    /// Compact JSON text (answers to GA/T 1400 devices).
    public var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                PushJSON.string(member.key).write(to: &out)
                out += ":"
                member.value.write(to: &out)
            }
            out += "}"
        case .array(let values):
            out += "["
            for (i, value) in values.enumerated() {
                if i > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .string(let s):
            out += "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            out += "\""
        case .number(let n):
            out += n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    public static func == (a: PushJSON, b: PushJSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .object(let members):
            hasher.combine(0)
            for member in members { hasher.combine(member.key); hasher.combine(member.value) }
        case .array(let values): hasher.combine(1); hasher.combine(values)
        case .string(let s): hasher.combine(s)
        case .number(let n): hasher.combine(n)
        case .bool(let b): hasher.combine(b)
        case .null: hasher.combine(5)
        }
    }
}
