/// Reads back the ESC/POS bytes the receipt builder writes, so tests check what a printer
/// would see: text lines (with the character size in force) and the commands between them.
struct EscPosStream {
    struct TextLine {
        var bytes: [UInt8]
        var doubleSize: Bool
    }

    struct Raster {
        var bytesPerRow: Int
        var rows: Int
        var data: [UInt8]
    }

    enum ReadError: Error, Equatable {
        case unknownCommand(offset: Int, bytes: [UInt8])
        case truncated(offset: Int)
    }

    private(set) var lines: [TextLine] = []
    private(set) var rasters: [Raster] = []
    /// `GS ( k` QR functions (fn byte and parameters) in order.
    private(set) var qrFunctions: [(function: UInt8, parameters: [UInt8])] = []

    init(_ bytes: [UInt8]) throws {
        var index = 0
        var current: [UInt8] = []
        var doubleSize = false

        func take(_ count: Int) throws -> [UInt8] {
            guard index + count <= bytes.count else { throw ReadError.truncated(offset: index) }
            defer { index += count }
            return Array(bytes[index..<index + count])
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x0A:
                lines.append(TextLine(bytes: current, doubleSize: doubleSize))
                current = []
                index += 1
            case 0x1B:
                let command = try take(2)
                switch command[1] {
                case 0x40: break                                      // ESC @
                case 0x61, 0x45, 0x64: _ = try take(1)                // ESC a n, ESC E n, ESC d n
                default: throw ReadError.unknownCommand(offset: index - 2, bytes: command)
                }
            case 0x1C:
                let command = try take(2)
                guard command[1] == 0x26 else { throw ReadError.unknownCommand(offset: index - 2, bytes: command) }
            case 0x1D:
                let command = try take(2)
                switch command[1] {
                case 0x21: doubleSize = try take(1)[0] == 0x11       // GS ! n
                case 0x56: _ = try take(2)                            // GS V m n
                case 0x76:                                            // GS v 0 m xL xH yL yH
                    let header = try take(6)
                    let bytesPerRow = Int(header[2]) | Int(header[3]) << 8
                    let rows = Int(header[4]) | Int(header[5]) << 8
                    rasters.append(Raster(bytesPerRow: bytesPerRow, rows: rows, data: try take(bytesPerRow * rows)))
                case 0x28:                                            // GS ( k pL pH cn fn …
                    let header = try take(3)
                    let length = Int(header[1]) | Int(header[2]) << 8
                    let body = try take(length)
                    qrFunctions.append((body[1], Array(body.dropFirst(2))))
                default: throw ReadError.unknownCommand(offset: index - 2, bytes: command)
                }
            default:
                current.append(byte)
                index += 1
            }
        }
        if !current.isEmpty { lines.append(TextLine(bytes: current, doubleSize: doubleSize)) }
    }

    /// Columns a GB18030 line takes on the printer: 1 per single byte, 2 per double-byte glyph,
    /// 4 for a four-byte one; doubled for double-size text.
    static func columns(of line: TextLine) -> Int {
        var columns = 0, index = 0
        while index < line.bytes.count {
            let lead = line.bytes[index]
            if lead < 0x80 {
                columns += 1; index += 1
            } else if index + 1 < line.bytes.count, (0x30...0x39).contains(line.bytes[index + 1]) {
                columns += 4; index += 4
            } else {
                columns += 2; index += 2
            }
        }
        return line.doubleSize ? columns * 2 : columns
    }
}
