/// Reads a payload that must be one JSON object into a flat list of its top-level members.
///
/// Why not Foundation: `JSONSerialization`/`JSONDecoder` allocate a dictionary and boxed values per
/// message and recurse on nesting; this runs on the MQTT network thread for every message, so
/// it reads the bytes once, keeps strings as ranges and never recurses.
enum JSONObjectReader {
    /// The payload object is level 1; containers nested below level 8 are refused.
    static let maxDepth = 8
    /// Bounds the duplicate-key check and what a hostile payload can make us store.
    static let maxMembers = 256

    static func read(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONObject {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        guard let first = scanner.peek() else {
            throw JSONSyntaxError(offset: 0, problem: bytes.isEmpty ? "payload is empty" : "payload is only whitespace")
        }
        guard first == 0x7B else { throw scanner.fail("payload must be a JSON object starting with '{'") }
        scanner.pos += 1

        var members: [JSONMember] = []
        members.reserveCapacity(8)
        scanner.skipWhitespace()
        if scanner.peek() == 0x7D {
            scanner.pos += 1
        } else {
            while true {
                scanner.skipWhitespace()
                let (key, keyEscaped) = try scanner.scanKeyAndColon()
                scanner.skipWhitespace()
                let value: JSONValue
                switch scanner.peek() {
                case 0x7B: value = .object(try scanner.skipContainer(depth: 2, maxDepth: maxDepth))
                case 0x5B: value = .array(try scanner.skipContainer(depth: 2, maxDepth: maxDepth))
                default: value = try scanner.scanScalar()
                }
                guard members.count < maxMembers else {
                    throw JSONSyntaxError(offset: key.start - 1, problem: "object has more than \(maxMembers) fields")
                }
                members.append(JSONMember(key: key, keyEscaped: keyEscaped, value: value))
                scanner.skipWhitespace()
                guard let b = scanner.peek() else { throw scanner.fail("object is not closed before the payload ends") }
                scanner.pos += 1
                if b == 0x7D { break }
                guard b == 0x2C else {
                    scanner.pos -= 1
                    throw scanner.fail("expected ',' or '}' after a field, found \(JSONScanner.describe(b))")
                }
            }
        }
        scanner.skipWhitespace()
        guard scanner.atEnd else { throw scanner.fail("unexpected data after the JSON object") }

        let object = JSONObject(bytes: bytes, members: members)
        if let duplicate = object.firstDuplicateKey() {
            throw JSONSyntaxError(offset: duplicate.key.start - 1,
                                  problem: "field '\(object.keyString(duplicate))' appears twice")
        }
        return object
    }
}
