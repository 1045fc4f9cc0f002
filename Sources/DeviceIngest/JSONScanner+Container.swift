/// Nested arrays and objects: skipped iteratively with a depth bound, never by recursion.
extension JSONScanner {
    /// Skips a whole array or object starting at `pos` (its opening bracket) without recursion,
    /// validating its syntax. `depth` is the nesting level of this container (the payload's
    /// top-level object is level 1). Returns the container's range including its brackets.
    mutating func skipContainer(depth: Int, maxDepth: Int) throws(JSONSyntaxError) -> ByteRange {
        let start = pos
        // Bit i of `objects` is set when the container at relative level i is an object.
        var objects: UInt64 = 0
        var level = 0   // how many containers are open

        enum Next { case valueOrClose, value, afterValue }
        var next = Next.value

        while true {
            switch next {
            case .value, .valueOrClose:
                skipWhitespace()
                guard let b = peek() else { throw fail("expected a value, but the payload ends") }
                if next == .valueOrClose && (b == 0x5D || b == 0x7D) {
                    try close(b, &objects, &level)
                    next = .afterValue
                } else if b == 0x7B || b == 0x5B {
                    guard depth + level <= maxDepth else {
                        throw fail("JSON is nested deeper than \(maxDepth) levels")
                    }
                    guard level < 63 else { throw fail("JSON is nested too deeply") }
                    if b == 0x7B { objects |= 1 << UInt64(level) } else { objects &= ~(1 << UInt64(level)) }
                    level += 1
                    pos += 1
                    if b == 0x7B {
                        skipWhitespace()
                        if peek() == 0x7D {
                            try close(0x7D, &objects, &level)
                            next = .afterValue
                        } else {
                            try scanKeyAndColon()
                            next = .value
                        }
                    } else {
                        next = .valueOrClose
                    }
                } else {
                    guard level > 0 else { throw fail("expected an array or object") }
                    _ = try scanScalar()
                    next = .afterValue
                }
            case .afterValue:
                if level == 0 { return ByteRange(start: start, end: pos) }
                skipWhitespace()
                guard let b = peek() else { throw fail("container is not closed before the payload ends") }
                if b == 0x2C {
                    pos += 1
                    if objects & (1 << UInt64(level - 1)) != 0 {
                        skipWhitespace()
                        try scanKeyAndColon()
                    }
                    next = .value
                } else {
                    try close(b, &objects, &level)
                }
            }
        }
    }

    private mutating func close(_ b: UInt8, _ objects: inout UInt64, _ level: inout Int) throws(JSONSyntaxError) {
        let inObject = objects & (1 << UInt64(level - 1)) != 0
        guard b == (inObject ? 0x7D : 0x5D) else {
            throw fail(inObject ? "expected ',' or '}' in object" : "expected ',' or ']' in array")
        }
        pos += 1
        level -= 1
    }

    /// Scans `"key"` then `:` (whitespace allowed around the colon).
    @discardableResult
    mutating func scanKeyAndColon() throws(JSONSyntaxError) -> (ByteRange, escaped: Bool) {
        guard peek() == 0x22 else {
            throw fail(atEnd ? "expected a field name, but the payload ends" : "expected a quoted field name")
        }
        let key = try scanString()
        skipWhitespace()
        try expect(0x3A, "':' after a field name")
        return key
    }
}
