/// A flat, read-only view of a payload's top-level JSON object.
///
/// It borrows the payload's bytes: it is only valid inside the `decode` call that made it and
/// must never be stored. Values are materialised on demand.
package struct JSONObject {
    package let bytes: UnsafeRawBufferPointer
    package let members: [JSONMember]

    /// The value of `key`, or nil when absent. Keys are compared as decoded text, so
    /// `"\u0074"` finds `t` just as the JSON Schema validators would.
    func value(_ key: StaticString) -> JSONValue? {
        let wanted = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        for member in members where keyEquals(member, wanted) { return member.value }
        return nil
    }

    private func keyEquals(_ member: JSONMember, _ wanted: UnsafeRawBufferPointer) -> Bool {
        if member.keyEscaped { return unescapedBytes(member.key).elementsEqual(wanted) }
        guard member.key.count == wanted.count else { return false }
        for i in 0..<wanted.count where bytes[member.key.start + i] != wanted[i] { return false }
        return true
    }

    // MARK: Materialising values

    package func keyString(_ member: JSONMember) -> String { string(member.key, escaped: member.keyEscaped) }

    /// The decoded text of a string value (the scanner already validated UTF-8 and escapes).
    package func string(_ range: ByteRange, escaped: Bool) -> String {
        if !escaped { return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range.start..<range.end]), as: UTF8.self) }
        return String(decoding: unescapedBytes(range), as: UTF8.self)
    }

    /// The raw text of a range, e.g. a number exactly as the device wrote it.
    package func rawText(_ range: ByteRange) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range.start..<range.end]), as: UTF8.self)
    }

    /// The UTF-8 bytes a string value stands for, with escapes resolved.
    package func unescapedBytes(_ range: ByteRange) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        let scanner = JSONScanner(bytes)
        var i = range.start
        while i < range.end {
            let b = bytes[i]
            guard b == 0x5C, i + 1 < range.end else {
                out.append(b)
                i += 1
                continue
            }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = UInt32((try? scanner.hexUnit(at: i)) ?? 0xFFFD)
                i += 4
                if (0xD800...0xDBFF).contains(scalar), i + 6 <= range.end,
                   let low = try? scanner.hexUnit(at: i + 2) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    i += 6
                }
                // The scanner already refused lone surrogates, so the replacement never shows.
                if let encoded = UTF8.encode(Unicode.Scalar(scalar) ?? "\u{FFFD}") { out.append(contentsOf: encoded) }
            default: out.append(e)   // \" \\ \/
            }
        }
        return out
    }

    /// The elements of an array value when all of them are scalars; nil when it nests containers.
    package func scalarElements(_ range: ByteRange) -> [JSONValue]? {
        var scanner = JSONScanner(UnsafeRawBufferPointer(rebasing: bytes[0..<range.end]))
        scanner.pos = range.start + 1
        var elements: [JSONValue] = []
        scanner.skipWhitespace()
        if scanner.peek() == 0x5D { return elements }
        while !scanner.atEnd {
            scanner.skipWhitespace()
            guard let b = scanner.peek(), b != 0x5B, b != 0x7B, let value = try? scanner.scanScalar() else {
                return nil
            }
            elements.append(value)
            scanner.skipWhitespace()
            guard let sep = scanner.peek() else { return nil }
            scanner.pos += 1
            if sep == 0x5D { return elements }
        }
        return nil
    }

    // MARK: Integrity

    /// A member whose key repeats an earlier one. RFC 8259 leaves duplicates undefined, and a
    /// schema validator and this reader could then disagree on a value: refuse them outright.
    func firstDuplicateKey() -> JSONMember? {
        let n = members.count
        if n <= 8 {
            for j in 1..<max(n, 1) {
                for i in 0..<j where sameKey(members[i], members[j]) { return members[j] }
            }
            return nil
        }
        // Pairwise comparison is quadratic: 256 long keys sharing a prefix would cost milliseconds on
        // the network thread. Sort by a seeded hash instead and compare only equal hashes.
        var hashed = members.indices.map { (hash: keyHash(members[$0]), index: $0) }
        hashed.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.index < $1.index }
        var groupStart = 0
        for k in 1...n {
            guard k == n || hashed[k].hash != hashed[groupStart].hash else { continue }
            for j in (groupStart + 1)..<k {
                for i in groupStart..<j where sameKey(members[hashed[i].index], members[hashed[j].index]) {
                    return members[hashed[j].index]
                }
            }
            groupStart = k
        }
        return nil
    }

    private func keyHash(_ member: JSONMember) -> Int {
        var hasher = Hasher()   // per-process random seed, so collisions cannot be planned
        if member.keyEscaped {
            unescapedBytes(member.key).withUnsafeBytes { hasher.combine(bytes: $0) }
        } else {
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes[member.key.start..<member.key.end]))
        }
        return hasher.finalize()
    }

    private func sameKey(_ a: JSONMember, _ b: JSONMember) -> Bool {
        if a.keyEscaped || b.keyEscaped {
            let left = a.keyEscaped ? unescapedBytes(a.key) : Array(bytes[a.key.start..<a.key.end])
            let right = b.keyEscaped ? unescapedBytes(b.key) : Array(bytes[b.key.start..<b.key.end])
            return left == right
        }
        guard a.key.count == b.key.count else { return false }
        for i in 0..<a.key.count where bytes[a.key.start + i] != bytes[b.key.start + i] { return false }
        return true
    }
}
