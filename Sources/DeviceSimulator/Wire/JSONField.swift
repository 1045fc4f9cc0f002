/// One member of a payload. Payloads are written by hand, in a fixed key order and with fixed
/// decimals, so that a replayed message is byte-identical to the original and so that a
/// payload reads like the firmware-specs examples.
struct JSONField: Sendable, Hashable {
    enum Value: Sendable, Hashable {
        case int(Int64)
        /// Rounded to `decimals` places.
        case number(Double, decimals: Int)
        case string(String)
        case bool(Bool)
        case numbers([Double], decimals: Int)
        case strings([String])
    }

    let key: String
    let value: Value

    init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }

    static func int(_ key: String, _ value: Int64) -> JSONField { JSONField(key, .int(value)) }
    static func int(_ key: String, _ value: Int) -> JSONField { JSONField(key, .int(Int64(value))) }
    static func number(_ key: String, _ value: Double, decimals: Int = 1) -> JSONField {
        JSONField(key, .number(value, decimals: decimals))
    }
    static func string(_ key: String, _ value: String) -> JSONField { JSONField(key, .string(value)) }
    static func bool(_ key: String, _ value: Bool) -> JSONField { JSONField(key, .bool(value)) }
    static func strings(_ key: String, _ value: [String]) -> JSONField { JSONField(key, .strings(value)) }
}

enum PayloadWriter {
    static func object(_ fields: [JSONField]) -> [UInt8] {
        var text = "{"
        for (index, field) in fields.enumerated() {
            if index > 0 { text += "," }
            appendString(field.key, to: &text)
            text += ":"
            appendValue(field.value, to: &text)
        }
        text += "}"
        return Array(text.utf8)
    }

    static func appendValue(_ value: JSONField.Value, to text: inout String) {
        switch value {
        case .int(let n): text += String(n)
        case .number(let d, let decimals): text += format(d, decimals: decimals)
        case .string(let s): appendString(s, to: &text)
        case .bool(let b): text += b ? "true" : "false"
        case .numbers(let list, let decimals):
            text += "[" + list.map { format($0, decimals: decimals) }.joined(separator: ",") + "]"
        case .strings(let list):
            text += "["
            for (index, item) in list.enumerated() {
                if index > 0 { text += "," }
                appendString(item, to: &text)
            }
            text += "]"
        }
    }

    /// Fixed-point text without exponent, e.g. `3.4`, `-19.0`, `0.125`; never NaN or infinity,
    /// which JSON cannot carry.
    static func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        let scale = pow10(decimals)
        let scaled = (value * scale).rounded()
        if decimals == 0 { return String(Int64(scaled)) }
        let negative = scaled < 0
        let magnitude = Int64(abs(scaled))
        let whole = magnitude / Int64(scale)
        var fraction = String(magnitude % Int64(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        return (negative ? "-" : "") + String(whole) + "." + fraction
    }

    private static func pow10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= 10 }
        return result
    }

    static func appendString(_ s: String, to text: inout String) {
        text += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
