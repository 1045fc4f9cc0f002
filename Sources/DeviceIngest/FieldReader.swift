import KitchenModel

/// Typed access to the fields of a payload object, turning every violation into a `Rejection`
/// that tells a firmware author exactly which field is wrong, what it must be and what came.
///
/// Conventions: absent → `missing_field`; present with the wrong JSON type (including `null`
/// and fractional values in integer fields) → `wrong_type`; right type but outside the range,
/// length, character set or list of allowed values → `out_of_range`.
package struct FieldReader {
    package let object: JSONObject

    /// The largest integer a double (and so every JSON library) represents exactly.
    static let maxSafeInteger: Int64 = 1 << 53

    // MARK: Integers

    func int(_ key: StaticString, in range: ClosedRange<Int64>) throws(Rejection) -> Int64 {
        guard let value = object.value(key) else { throw missing(key) }
        return try int(key, value, in: range)
    }

    func optionalInt(_ key: StaticString, in range: ClosedRange<Int64>) throws(Rejection) -> Int64? {
        guard let value = object.value(key) else { return nil }
        return try int(key, value, in: range)
    }

    private func int(_ key: StaticString, _ value: JSONValue, in range: ClosedRange<Int64>) throws(Rejection) -> Int64 {
        guard case .number(let n) = value else {
            throw Rejection(.wrongType, "field '\(key)' must be an integer, got \(value.typeDescription)")
        }
        guard n.double.rounded(.towardZero) == n.double else {
            throw Rejection(.wrongType, "field '\(key)' must be an integer, got \(quote(number: n))")
        }
        if let exact = n.exactInt, range.contains(exact) { return exact }
        throw Rejection(.outOfRange, "field '\(key)' must be an integer between \(range.lowerBound) and "
            + "\(range.upperBound), got \(quote(number: n))")
    }

    // MARK: Numbers

    func number(_ key: StaticString, in range: ClosedRange<Double>) throws(Rejection) -> Double {
        guard let value = object.value(key) else { throw missing(key) }
        return try number(key, value, in: range)
    }

    func optionalNumber(_ key: StaticString, in range: ClosedRange<Double>) throws(Rejection) -> Double? {
        guard let value = object.value(key) else { return nil }
        return try number(key, value, in: range)
    }

    private func number(_ key: StaticString, _ value: JSONValue, in range: ClosedRange<Double>) throws(Rejection) -> Double {
        guard case .number(let n) = value else {
            throw Rejection(.wrongType, "field '\(key)' must be a number, got \(value.typeDescription)")
        }
        guard range.contains(n.double) else {
            throw Rejection(.outOfRange, "field '\(key)' must be a number between \(Self.format(range.lowerBound)) and "
                + "\(Self.format(range.upperBound)), got \(quote(number: n))")
        }
        return n.double
    }

    /// A list of numbers, e.g. a detection box; `count` is required exactly.
    func optionalNumbers(_ key: StaticString, count: Int, shape: String) throws(Rejection) -> [Double]? {
        guard let value = object.value(key) else { return nil }
        guard case .array(let range) = value, let elements = object.scalarElements(range) else {
            throw Rejection(.wrongType, "field '\(key)' must be an array \(shape), got \(value.typeDescription)")
        }
        var numbers: [Double] = []
        numbers.reserveCapacity(count)
        for element in elements {
            guard case .number(let n) = element else {
                throw Rejection(.wrongType, "field '\(key)' must be an array \(shape), but it holds \(element.typeDescription)")
            }
            numbers.append(n.double)
        }
        guard numbers.count == count else {
            throw Rejection(.wrongType, "field '\(key)' must be an array \(shape), got \(numbers.count) numbers")
        }
        return numbers
    }

    /// A list of strings, each under `rule`, at most `maxCount`, none twice.
    func optionalStrings(_ key: StaticString, _ rule: TextRule, maxCount: Int) throws(Rejection) -> [String]? {
        guard let value = object.value(key) else { return nil }
        guard case .array(let range) = value else {
            throw Rejection(.wrongType, "field '\(key)' must be an array of strings, got \(value.typeDescription)")
        }
        guard let elements = object.scalarElements(range) else {
            throw Rejection(.wrongType, "field '\(key)' must be an array of strings, but it holds an array or object")
        }
        guard elements.count <= maxCount else {
            throw Rejection(.outOfRange, "field '\(key)' holds \(elements.count) items; the limit is \(maxCount)")
        }
        var strings: [String] = []
        for element in elements {
            let text = try string(key, element, rule)
            guard !strings.contains(text) else {
                throw Rejection(.outOfRange, "field '\(key)' lists \(Self.quote(text)) twice")
            }
            strings.append(text)
        }
        return strings
    }

    // MARK: Strings, booleans, enumerations

    func string(_ key: StaticString, _ rule: TextRule) throws(Rejection) -> String {
        guard let value = object.value(key) else { throw missing(key) }
        return try string(key, value, rule)
    }

    func optionalString(_ key: StaticString, _ rule: TextRule) throws(Rejection) -> String? {
        guard let value = object.value(key) else { return nil }
        return try string(key, value, rule)
    }

    private func string(_ key: StaticString, _ value: JSONValue, _ rule: TextRule) throws(Rejection) -> String {
        guard case .string(let range, let escaped) = value else {
            throw Rejection(.wrongType, "field '\(key)' must be a string, got \(value.typeDescription)")
        }
        let text = object.string(range, escaped: escaped)
        guard rule.accepts(text) else {
            throw Rejection(.outOfRange, "field '\(key)' must be \(rule.summary), got \(Self.quote(text))")
        }
        return text
    }

    func bool(_ key: StaticString) throws(Rejection) -> Bool {
        guard let value = object.value(key) else { throw missing(key) }
        guard case .bool(let b) = value else {
            throw Rejection(.wrongType, "field '\(key)' must be true or false, got \(value.typeDescription)")
        }
        return b
    }

    /// A string that must be one of an enumeration's raw values.
    func choice<Choice>(_ key: StaticString, _: Choice.Type) throws(Rejection) -> Choice
    where Choice: RawRepresentable & CaseIterable, Choice.RawValue == String {
        guard let value = object.value(key) else { throw missing(key) }
        guard case .string(let range, let escaped) = value else {
            throw Rejection(.wrongType, "field '\(key)' must be a string, got \(value.typeDescription)")
        }
        let text = object.string(range, escaped: escaped)
        guard let choice = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw Rejection(.outOfRange, "field '\(key)' must be one of \(allowed), got \(Self.quote(text))")
        }
        return choice
    }

    // MARK: Messages

    func missing(_ key: StaticString) -> Rejection {
        Rejection(.missingField, "missing required field '\(key)'")
    }

    /// The number exactly as the device wrote it, shortened if absurdly long.
    func quote(number n: JSONNumber) -> String {
        let text = object.rawText(n.text)
        return text.utf8.count <= 40 ? text : String(text.prefix(37)) + "..."
    }

    package static func quote(_ text: String) -> String {
        let shown = text.unicodeScalars.count <= 40 ? text : String(text.unicodeScalars.prefix(37)) + "..."
        return "\"" + shown.unicodeScalars.map { $0.value < 0x20 ? "?" : String($0) }.joined() + "\""
    }

    /// Range bounds print as `-200`, not `-200.0`.
    package static func format(_ d: Double) -> String {
        if d.rounded() == d && d.magnitude < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}
