import Foundation

/// Limits for text a person typed into the API or a dashboard form, counted the way it is
/// stored and the way it is read: at most `characters` grapheme clusters (what a reader sees)
/// and at most 4 bytes of UTF-8 per allowed character (what the database, the pages and the
/// scales' MQTT replies carry). A cluster has no size of its own: one "character" can stack
/// thousands of combining marks, so a cluster count alone let a 64-character item weigh 192 KB.
///
/// Control characters are refused outright: C0 (newlines and tabs included: every field is one
/// line on a page, a receipt or a trail), DEL, C1, and the bidirectional embeddings, overrides
/// and isolates that make a page display text in another order than it is stored.
enum TypedText {
    /// UTF-8 needs at most 4 bytes per scalar: the byte budget of one readable character.
    static let bytesPerCharacter = 4

    /// The first scalar a typed text must not contain, if any.
    static func forbiddenScalar(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first(where: isForbidden)
    }

    static func isForbidden(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: true  // C0, DEL, C1
        case 0x202A...0x202E, 0x2066...0x2069: true  // bidi embeddings, overrides, isolates
        default: false
        }
    }

    /// How a scalar is named in an error: `U+001B`.
    static func name(_ s: Unicode.Scalar) -> String {
        let hex = String(s.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Refuses `text` if it holds a forbidden scalar or is longer than `characters`
    /// characters or `characters × 4` bytes; `field` names it in the error.
    static func check(_ text: String, field: String, characters: Int) throws(APIError) {
        if let bad = forbiddenScalar(in: text) {
            throw APIError.badRequest("\(field) must not contain control or bidi-override characters (found \(name(bad)))")
        }
        // Bytes first: counting the clusters of a huge text is the expensive part.
        let bytes = text.utf8.count
        let maxBytes = characters * bytesPerCharacter
        guard bytes <= maxBytes else {
            throw APIError.badRequest("\(field) is \(bytes) bytes of UTF-8; at most \(maxBytes) are kept "
                                      + "(and at most \(characters) characters)")
        }
        let count = text.count
        guard count <= characters else {
            throw APIError.badRequest("\(field) is \(count) characters; at most \(characters) are kept "
                                      + "(and at most \(maxBytes) bytes of UTF-8)")
        }
    }

    /// A required field: checked, trimmed of surrounding spaces, not empty.
    static func required(_ value: String?, field: String, characters: Int) throws(APIError) -> String {
        let trimmed = value?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !trimmed.isEmpty else { throw APIError.badRequest("\(field) is required") }
        try check(trimmed, field: field, characters: characters)
        return trimmed
    }

    /// An optional field: nil stays nil, anything given is checked (an empty text is kept).
    static func optional(_ value: String?, field: String, characters: Int) throws(APIError) -> String? {
        guard let value else { return nil }
        try check(value, field: field, characters: characters)
        return value
    }

    /// A list of texts: at most `count` items, each checked as `field[i]`.
    static func list(_ values: [String]?, field: String, count: Int, characters: Int) throws(APIError) -> [String] {
        guard let values else { return [] }
        guard values.count <= count else {
            throw APIError.badRequest("\(field) has \(values.count) items; at most \(count) are kept")
        }
        for (i, value) in values.enumerated() {
            try check(value, field: "\(field)[\(i)]", characters: characters)
        }
        return values
    }
}
