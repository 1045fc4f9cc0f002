/// The receipt's byte stream while it is being laid out: text lines that fit the columns,
/// interleaved with printer commands.
struct ReceiptPage {
    let columns: Int
    let converter: GB18030Converter
    private(set) var bytes: [UInt8] = []

    init(columns: Int, converter: GB18030Converter) {
        self.columns = columns
        self.converter = converter
        bytes.reserveCapacity(16_384)
    }

    /// Printer commands, passed through.
    mutating func append(_ command: [UInt8]) {
        bytes += command
    }

    /// `text` at double width and height: half as many columns per line.
    mutating func title(_ text: String) {
        append(EscPos.size(doubled: true))
        for line in PrinterText(text, converter: converter).wrapped(to: columns / 2) { emit(line) }
        append(EscPos.size(doubled: false))
    }

    /// `text` wrapped to the columns.
    mutating func line(_ text: String) {
        for line in PrinterText(text, converter: converter).wrapped(to: columns) { emit(line) }
    }

    /// A dashed rule across the paper.
    mutating func rule() {
        emit(PrinterText(String(repeating: "-", count: columns), converter: converter))
    }

    /// `label：value`, the value wrapped in the columns right of the label and continued under
    /// itself, so the labels stay a clean column.
    mutating func field(_ label: String, _ value: String) {
        let prefix = PrinterText(label + ReceiptLabels.separator, converter: converter)
        let indent = PrinterText.spaces(prefix.width)
        let lines = PrinterText(value, converter: converter).wrapped(to: columns - prefix.width)
        for (index, line) in lines.enumerated() {
            emit((index == 0 ? prefix : indent) + line)
        }
    }

    private mutating func emit(_ line: PrinterText) {
        bytes += line.bytes
        bytes.append(EscPos.lineFeed)
    }
}
