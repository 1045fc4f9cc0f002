import DeviceIngest
import KitchenModel

/// Typed access to one JSON object of a third-party payload, on top of DeviceIngest's reader.
///
/// Unlike the native `FieldReader`, keys are runtime strings (`DS18B20-2`, `temperature:0`),
/// objects nest (Shelly `params`, Frigate `after`), rejection messages name the full path
/// (`params.temperature:0.tC`), and `null` counts as absent: Tasmota and Shelly write null
/// for a sensor that failed to read, which is a missing reading, not a malformed payload.
struct JSONFields {
    let object: JSONObject
    /// Dotted path of this object inside the payload; empty for the payload itself.
    let path: String

    /// Reads a whole payload: size limit, strict JSON, duplicate keys, nesting depth.
    static func read(_ payload: UnsafeRawBufferPointer, limits: IngestLimits) throws(Rejection) -> JSONFields {
        JSONFields(object: try PayloadJSON.read(payload, limits: limits).object, path: "")
    }

    func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The value of `key`; nil when absent or null.
    func value(_ key: String) -> JSONValue? {
        var key = key
        let found: JSONValue? = key.withUTF8 { wanted in
            for member in object.members where matches(member, UnsafeRawBufferPointer(wanted)) { return member.value }
            return nil
        }
        if case .null? = found { return nil }
        return found
    }

    private func matches(_ member: JSONMember, _ wanted: UnsafeRawBufferPointer) -> Bool {
        if member.keyEscaped { return object.unescapedBytes(member.key).elementsEqual(wanted) }
        guard member.key.count == wanted.count else { return false }
        for i in 0..<wanted.count where object.bytes[member.key.start + i] != wanted[i] { return false }
        return true
    }

    /// The members in payload order, for payloads keyed by sensor or component name.
    var members: [(key: String, value: JSONValue)] {
        object.members.map { (object.keyString($0), $0.value) }
    }

    // MARK: Typed values

    func number(_ key: String, in range: ClosedRange<Double>) throws(Rejection) -> Double? {
        guard let value = value(key) else { return nil }
        return try number(key, value, in: range)
    }

    func number(_ key: String, _ value: JSONValue, in range: ClosedRange<Double>) throws(Rejection) -> Double {
        guard case .number(let n) = value else {
            throw Rejection(.wrongType, "field '\(name(key))' must be a number, got \(value.typeDescription)")
        }
        guard range.contains(n.double) else {
            throw Rejection(.outOfRange, "field '\(name(key))' must be a number between \(FieldReader.format(range.lowerBound)) "
                + "and \(FieldReader.format(range.upperBound)), got \(quoteNumber(n))")
        }
        return n.double
    }

    func string(_ key: String) throws(Rejection) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let range, let escaped) = value else {
            throw Rejection(.wrongType, "field '\(name(key))' must be a string, got \(value.typeDescription)")
        }
        return object.string(range, escaped: escaped)
    }

    func requiredString(_ key: String) throws(Rejection) -> String {
        guard let text = try string(key) else { throw missing(key) }
        return text
    }

    func bool(_ key: String) throws(Rejection) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let b) = value else {
            throw Rejection(.wrongType, "field '\(name(key))' must be true or false, got \(value.typeDescription)")
        }
        return b
    }

    /// A nested object, read with the same strictness as the payload (duplicate keys included).
    func object(_ key: String) throws(Rejection) -> JSONFields? {
        guard let value = value(key) else { return nil }
        return try object(key, value)
    }

    func object(_ key: String, _ value: JSONValue) throws(Rejection) -> JSONFields {
        guard case .object(let range) = value else {
            throw Rejection(.wrongType, "field '\(name(key))' must be an object, got \(value.typeDescription)")
        }
        let slice = UnsafeRawBufferPointer(rebasing: object.bytes[range.start..<range.end])
        do {
            // The limit was already applied to the whole payload.
            var unlimited = IngestLimits()
            unlimited.maxJSONBytes = .max
            return JSONFields(object: try PayloadJSON.read(slice, limits: unlimited).object, path: name(key))
        } catch {
            // Offsets in the message count from the nested object's own first byte.
            let prefix = "invalid JSON at byte "
            let detail = error.message.hasPrefix(prefix)
                ? "invalid JSON at its byte " + error.message.dropFirst(prefix.count) : error.message
            throw Rejection(error.reason, "in field '\(name(key))': \(detail)")
        }
    }

    /// An array of scalars (Frigate `box`, `current_zones`); nested containers are refused.
    func scalars(_ key: String, shape: String) throws(Rejection) -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard case .array(let range) = value, let elements = object.scalarElements(range) else {
            throw Rejection(.wrongType, "field '\(name(key))' must be \(shape), got \(value.typeDescription)")
        }
        return elements
    }

    func text(_ value: JSONValue) -> String? {
        guard case .string(let range, let escaped) = value else { return nil }
        return object.string(range, escaped: escaped)
    }

    func missing(_ key: String) -> Rejection { Rejection(.missingField, "missing required field '\(name(key))'") }

    private func quoteNumber(_ n: JSONNumber) -> String {
        let text = object.rawText(n.text)
        return text.utf8.count <= 40 ? text : String(text.prefix(37)) + "..."
    }
}
