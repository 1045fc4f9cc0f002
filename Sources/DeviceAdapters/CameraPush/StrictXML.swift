/// A small, strict XML reader for the documents cameras push (`EventNotificationAlert`).
///
/// Foundation's `XMLParser` wraps libxml2, whose entity handling is what XXE and "billion
/// laughs" attacks use; cameras never send a DTD, so this reader refuses `<!DOCTYPE` and
/// `<!ENTITY` outright and knows only the five predefined entities and numeric character
/// references. No namespaces are resolved: an element's name is its local part
/// (`isapi:eventType` → `eventType`), which is how vendors' schemas differ. Nesting, element
/// count and text size are bounded; everything else malformed is an error naming the byte.
public struct XMLElement: Hashable, Sendable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLElement]
    /// The element's own character data (CDATA included), without its children's.
    public var text: String

    /// The first child named `name`.
    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    /// The trimmed text of the first child named `name`, nil when absent or empty.
    public func value(_ name: String) -> String? {
        guard let text = child(name)?.text.trimmingASCIISpace, !text.isEmpty else { return nil }
        return text
    }

    /// The first element named `name` anywhere below (depth first), for fields vendors nest
    /// at different depths.
    public func descendant(_ name: String) -> XMLElement? {
        for child in children {
            if child.name == name { return child }
            if let found = child.descendant(name) { return found }
        }
        return nil
    }
}

public enum StrictXML {
    public static let maxDepth = 32
    public static let maxElements = 10_000

    public struct SyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
        public let offset: Int
        public let problem: String
        public var description: String { "invalid XML at byte \(offset): \(problem)" }
    }

    /// Parses one document: an optional `<?xml ...?>` declaration, comments and processing
    /// instructions, one root element. A DTD is refused.
    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> XMLElement {
        var reader = Reader(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.pos = 3 }   // UTF-8 byte-order mark
        try reader.misc()
        guard reader.pos < bytes.count, bytes[reader.pos] == 0x3C else { throw reader.fail("expected the root element") }
        let root = try reader.element()
        try reader.misc()
        guard reader.pos == bytes.count else { throw reader.fail("unexpected data after the root element") }
        return root
    }

    private struct Reader {
        let bytes: [UInt8]
        var pos = 0
        var elements = 0

        func fail(_ problem: String) -> SyntaxError { SyntaxError(offset: pos, problem: problem) }

        func at(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard pos + count <= bytes.count else { return false }
            return literal.withUTF8Buffer { l in (0..<count).allSatisfy { bytes[pos + $0] == l[$0] } }
        }

        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

        mutating func skipSpace() { while pos < bytes.count, isSpace(bytes[pos]) { pos += 1 } }

        /// Whitespace, comments and processing instructions between top-level items.
        mutating func misc() throws(SyntaxError) {
            while true {
                skipSpace()
                if at("<!--") { try skip(past: "-->", what: "comment") } else if at("<?") { try skip(past: "?>", what: "processing instruction") } else if at("<!") {
                    // <!DOCTYPE with its internal subset is where entity expansion and external
                    // entities live; cameras never send one.
                    throw fail("a DTD (<!DOCTYPE/<!ENTITY) is refused")
                } else { return }
            }
        }

        mutating func skip(past end: StaticString, what: String) throws(SyntaxError) {
            while pos < bytes.count {
                if at(end) { pos += end.utf8CodeUnitCount; return }
                pos += 1
            }
            throw fail("the document ends inside a \(what)")
        }

        mutating func name() throws(SyntaxError) -> String {
            let start = pos
            while pos < bytes.count {
                let b = bytes[pos]
                if isSpace(b) || b == 0x2F || b == 0x3E || b == 0x3D || b == 0x3C || b == 0x22 || b == 0x27 { break }
                pos += 1
            }
            guard pos > start, pos - start <= 256 else { throw fail("expected a name") }
            guard let text = String(validating: bytes[start..<pos], as: UTF8.self) else { throw fail("a name is not UTF-8") }
            return text
        }

        /// An element starting at `<`, iteratively: an explicit stack instead of recursion.
        mutating func element() throws(SyntaxError) -> XMLElement {
            var stack: [(element: XMLElement, qualified: String)] = []
            while true {
                // At '<' of a start tag.
                pos += 1
                let qualified = try name()
                var element = XMLElement(name: Self.local(qualified), attributes: [:], children: [], text: "")
                elements += 1
                guard elements <= StrictXML.maxElements else { throw fail("more than \(StrictXML.maxElements) elements") }
                var selfClosing = false
                while true {
                    skipSpace()
                    guard pos < bytes.count else { throw fail("the document ends inside a tag") }
                    if bytes[pos] == 0x3E { pos += 1; break }
                    if at("/>") { pos += 2; selfClosing = true; break }
                    let attribute = try name()
                    skipSpace()
                    guard pos < bytes.count, bytes[pos] == 0x3D else { throw fail("expected '=' after attribute '\(attribute)'") }
                    pos += 1
                    skipSpace()
                    guard pos < bytes.count, bytes[pos] == 0x22 || bytes[pos] == 0x27 else { throw fail("expected a quoted attribute value") }
                    let quote = bytes[pos]
                    pos += 1
                    let value = try characters(until: quote)
                    pos += 1
                    guard element.attributes.updateValue(value, forKey: attribute) == nil else {
                        throw fail("attribute '\(attribute)' repeated")
                    }
                }
                if selfClosing {
                    if stack.isEmpty { return element }
                    stack[stack.count - 1].element.children.append(element)
                } else {
                    guard stack.count < StrictXML.maxDepth else { throw fail("nested deeper than \(StrictXML.maxDepth) elements") }
                    stack.append((element, qualified))
                }
                // Content until the next start tag, or close tags.
                while true {
                    guard pos < bytes.count else { throw fail("the document ends inside <\(stack.last?.qualified ?? "")>") }
                    if at("</") {
                        pos += 2
                        let closing = try name()
                        skipSpace()
                        guard pos < bytes.count, bytes[pos] == 0x3E else { throw fail("expected '>' to close </\(closing)") }
                        pos += 1
                        guard let top = stack.popLast(), top.qualified == closing else {
                            throw fail("</\(closing)> does not close the open element")
                        }
                        if stack.isEmpty { return top.element }
                        stack[stack.count - 1].element.children.append(top.element)
                    } else if at("<!--") {
                        try skip(past: "-->", what: "comment")
                    } else if at("<![CDATA[") {
                        pos += 9
                        let start = pos
                        try skip(past: "]]>", what: "CDATA section")
                        guard let text = String(validating: bytes[start..<(pos - 3)], as: UTF8.self) else { throw fail("CDATA is not UTF-8") }
                        try append(text, to: &stack)
                    } else if at("<?") {
                        try skip(past: "?>", what: "processing instruction")
                    } else if at("<!") {
                        throw fail("a DTD (<!DOCTYPE/<!ENTITY) is refused")
                    } else if bytes[pos] == 0x3C {
                        break   // a child's start tag
                    } else {
                        let text = try characters(until: 0x3C)
                        try append(text, to: &stack)
                    }
                }
            }
        }

        mutating func append(_ text: String, to stack: inout [(element: XMLElement, qualified: String)]) throws(SyntaxError) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].element.text += text
            // EventNotificationAlert fields are short; a megabyte of text is not an alert.
            guard stack[stack.count - 1].element.text.utf8.count <= 1 << 20 else { throw fail("element text over 1 MiB") }
        }

        /// Character data up to (not including) `end`, with entity and character references
        /// replaced. Only the five predefined entities exist here.
        mutating func characters(until end: UInt8) throws(SyntaxError) -> String {
            var out: [UInt8] = []
            while true {
                guard pos < bytes.count else {
                    if end == 0x3C { break }
                    throw fail("the document ends inside an attribute value")
                }
                let b = bytes[pos]
                if b == end { break }
                if b == 0x3C { throw fail("'<' inside an attribute value") }
                if b != 0x26 { out.append(b); pos += 1; continue }
                let start = pos
                pos += 1
                while pos < bytes.count, bytes[pos] != 0x3B, pos - start < 12 { pos += 1 }
                guard pos < bytes.count, bytes[pos] == 0x3B else { throw SyntaxError(offset: start, problem: "unterminated reference") }
                let reference = String(decoding: bytes[(start + 1)..<pos], as: UTF8.self)
                pos += 1
                switch reference {
                case "lt": out.append(0x3C)
                case "gt": out.append(0x3E)
                case "amp": out.append(0x26)
                case "apos": out.append(0x27)
                case "quot": out.append(0x22)
                default:
                    guard reference.hasPrefix("#"), let scalar = Self.characterReference(reference.dropFirst()) else {
                        throw SyntaxError(offset: start, problem: "unknown entity '&\(reference.prefix(12));' (no DTD, no custom entities)")
                    }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
            }
            guard let text = String(validating: out, as: UTF8.self) else { throw fail("text is not UTF-8") }
            return text
        }

        static func characterReference(_ digits: Substring) -> Unicode.Scalar? {
            let value: UInt32? = digits.first == "x" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return scalar
        }

        static func local(_ qualified: String) -> String {
            guard let colon = qualified.lastIndex(of: ":") else { return qualified }
            return String(qualified[qualified.index(after: colon)...])
        }
    }
}

extension String {
    var trimmingASCIISpace: String {
        let space: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !space($0) }), let last = bytes.lastIndex(where: { !space($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
