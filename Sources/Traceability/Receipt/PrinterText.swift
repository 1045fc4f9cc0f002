/// Text already in the printer's encoding, cut into glyphs that know how many columns they take.
///
/// Widths come from the GB18030 bytes because that is what the printer goes by: a single byte
/// is a half-width glyph (one column), a double-byte glyph is full-width (two columns, as CJK
/// characters are). A four-byte glyph is counted as four columns: printers without GB18030's
/// four-byte plane print it as two double-byte glyphs, and over-counting only shortens a line.
struct PrinterText {
    /// The encoded bytes.
    private(set) var bytes: [UInt8] = []
    /// Byte length of each glyph, in order.
    private var glyphLengths: [Int] = []
    /// Columns the text occupies.
    private(set) var width = 0

    init() {}

    /// `text` with control characters (which would inject printer commands or break the layout)
    /// replaced by spaces, encoded by `converter`.
    init(_ text: String, converter: GB18030Converter) {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            cleaned.append(isControl ? " " : scalar)
        }
        let encoded = converter.encode(String(cleaned))
        var index = 0
        while index < encoded.count {
            let length = Self.glyphLength(encoded, at: index)
            append(encoded[index..<index + length])
            index += length
        }
    }

    /// Byte length of the GB18030 glyph starting at `index` (its structure is self-describing).
    private static func glyphLength(_ bytes: [UInt8], at index: Int) -> Int {
        let remaining = bytes.count - index
        guard bytes[index] >= 0x81, bytes[index] != 0xFF, remaining >= 2 else { return 1 }
        let isFourByte = (0x30...0x39).contains(bytes[index + 1])
        return isFourByte ? min(4, remaining) : 2
    }

    private mutating func append(_ glyph: ArraySlice<UInt8>) {
        bytes += glyph
        glyphLengths.append(glyph.count)
        width += glyph.count
    }

    /// `count` spaces.
    static func spaces(_ count: Int) -> PrinterText {
        var text = PrinterText()
        for _ in 0..<max(0, count) { text.append([0x20]) }
        return text
    }

    static func + (lhs: PrinterText, rhs: PrinterText) -> PrinterText {
        var joined = lhs
        for glyph in rhs.glyphs { joined.append(glyph) }
        return joined
    }

    /// The glyphs in order, as slices of ``bytes``.
    private var glyphs: [ArraySlice<UInt8>] {
        var offset = 0
        return glyphLengths.map { length in
            defer { offset += length }
            return bytes[offset..<offset + length]
        }
    }

    /// The text broken into lines of at most `columns` columns: after the last space when that
    /// keeps at least half the line (so Latin words stay whole), else between any two glyphs.
    /// Continuation lines do not start with a space.
    func wrapped(to columns: Int) -> [PrinterText] {
        let columns = max(columns, 4)   // the widest glyph must fit a line
        var lines: [PrinterText] = []
        var line = PrinterText()
        var lastSpace: (glyphCount: Int, width: Int)?   // line up to and including its last space
        for glyph in glyphs {
            if line.width + glyph.count > columns {
                if let space = lastSpace, space.width >= columns / 2 {
                    lines.append(line.prefix(glyphCount: space.glyphCount - 1))
                    line = line.dropping(glyphCount: space.glyphCount)
                } else {
                    lines.append(line)
                    line = PrinterText()
                }
                lastSpace = nil
                if line.width + glyph.count > columns {   // the carried-over word is still too long
                    lines.append(line)
                    line = PrinterText()
                }
            }
            let isSpace = glyph.count == 1 && glyph.first == 0x20
            if isSpace && line.glyphLengths.isEmpty && !lines.isEmpty { continue }
            line.append(glyph)
            if isSpace { lastSpace = (line.glyphLengths.count, line.width) }
        }
        if !line.glyphLengths.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    private func prefix(glyphCount: Int) -> PrinterText {
        var head = PrinterText()
        for glyph in glyphs.prefix(glyphCount) { head.append(glyph) }
        return head
    }

    private func dropping(glyphCount: Int) -> PrinterText {
        var tail = PrinterText()
        for glyph in glyphs.dropFirst(glyphCount) { tail.append(glyph) }
        return tail
    }
}
