/// A half-open range of byte offsets into the payload being decoded.
package struct ByteRange: Hashable, Sendable {
    package var start: Int
    package var end: Int

    package var count: Int { end - start }
}

/// A JSON number as read from the wire. Keeping the exact integer beside the double
/// matters for `seq` and `ts`: a `Double` alone cannot tell 2^53 from 2^53 + 1.
package struct JSONNumber: Hashable, Sendable {
    package var double: Double
    /// Set when the number is an integer that fits an `Int64` exactly.
    package var exactInt: Int64?
    /// Where the number's text sits in the payload, so messages quote what the device sent.
    package var text: ByteRange
}

/// One value of a member of the payload's top-level object. Strings, arrays and nested
/// objects stay as byte ranges into the payload: decoders materialise only the fields they
/// actually use, which keeps the common case free of allocations.
package enum JSONValue: Hashable, Sendable {
    /// The contents between the quotes; `escaped` says whether it contains backslash escapes.
    case string(ByteRange, escaped: Bool)
    case number(JSONNumber)
    case bool(Bool)
    case null
    /// The whole array including its brackets (already validated).
    case array(ByteRange)
    /// The whole object including its braces (already validated).
    case object(ByteRange)

    /// How the value is named in a rejection message ("got a string").
    package var typeDescription: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One `"key": value` pair of the top-level object.
package struct JSONMember: Hashable, Sendable {
    package var key: ByteRange
    package var keyEscaped: Bool
    package var value: JSONValue
}

/// Why a payload is not acceptable JSON; becomes a `bad_json` rejection.
struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    var offset: Int
    var problem: String

    var description: String { "invalid JSON at byte \(offset): \(problem)" }
}
