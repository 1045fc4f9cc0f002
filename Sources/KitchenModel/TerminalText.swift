/// Makes outside text (device payloads, topics, ids, labels) safe to print on an operator's
/// terminal: a device must not be able to clear the screen, move the cursor over earlier lines,
/// fake log lines or write the clipboard (OSC 52).
///
/// Every C0 control (tab and line breaks too, unless `keepingLineBreaks`), DEL, every C1 control
/// (0x80-0x9F, where `CSI` is 0x9B) and ESC itself are shown as `\xNN` / `\u{NN}`, so no escape
/// sequence survives. Bidirectional overrides and isolates, which reorder what is shown, become
/// `\u{NNNN}` too. Everything else, Chinese text included, is unchanged.
public enum TerminalText {
    public static func escape(_ text: some StringProtocol, keepingLineBreaks: Bool = false) -> String {
        let scalars = text.unicodeScalars
        guard scalars.contains(where: needsEscape) else { return String(text) }
        var out = String.UnicodeScalarView()
        var index = scalars.startIndex
        while index != scalars.endIndex {
            let scalar = scalars[index]
            let next = scalars.index(after: index)
            if keepingLineBreaks
                && (scalar == "\n" || (scalar == "\r" && next != scalars.endIndex && scalars[next] == "\n")) {
                out.append(scalar)
            } else if needsEscape(scalar) {
                out.append(contentsOf: spelled(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
            index = next
        }
        return String(out)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        // LRM/RLM, LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func spelled(_ scalar: Unicode.Scalar) -> String {
        let digits = Array("0123456789abcdef")
        let v = scalar.value
        if v < 0x80 { return "\\x" + String([digits[Int(v >> 4)], digits[Int(v & 0xF)]]) }
        return "\\u{" + String(v, radix: 16) + "}"
    }
}
