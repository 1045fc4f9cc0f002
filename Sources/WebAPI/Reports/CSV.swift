/// RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. A UTF-8
/// byte order mark leads the file so spreadsheet programs read the Chinese text correctly.
enum CSV {
    static let byteOrderMark = "\u{FEFF}"

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func document(header: [String], rows: [[String]]) -> String {
        byteOrderMark + ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    static func number(_ value: Double?) -> String {
        value.map { String(format: "%.1f", $0) } ?? ""
    }
}
