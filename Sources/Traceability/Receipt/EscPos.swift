/// The ESC/POS commands a receipt uses, as bytes.
enum EscPos {
    static let lineFeed: UInt8 = 0x0A

    /// `ESC @`: clear the buffer and reset every mode to its power-on default.
    static let initialize: [UInt8] = [0x1B, 0x40]
    /// `FS &`: double-byte (Chinese) character mode, so GB18030 pairs print as one glyph.
    static let chineseMode: [UInt8] = [0x1C, 0x26]

    enum Alignment: UInt8 { case left = 0, center = 1, right = 2 }
    /// `ESC a n`.
    static func align(_ alignment: Alignment) -> [UInt8] { [0x1B, 0x61, alignment.rawValue] }

    /// `ESC E n`: emphasized (bold) on or off.
    static func bold(_ on: Bool) -> [UInt8] { [0x1B, 0x45, on ? 1 : 0] }

    /// `GS ! n`: character width and height multipliers (1 or 2 here).
    static func size(doubled: Bool) -> [UInt8] { [0x1D, 0x21, doubled ? 0x11 : 0x00] }

    /// `ESC d n`: print the buffer and feed `lines` lines.
    static func feed(lines: UInt8) -> [UInt8] { [0x1B, 0x64, lines] }

    /// `GS V 66 n`: feed to the cutter, then cut leaving a hinge (partial cut).
    static let feedAndPartialCut: [UInt8] = [0x1D, 0x56, 0x42, 0x00]

    /// `GS v 0 m xL xH yL yH d…`: a raster image, `bytesPerRow` bytes (8 dots each, most
    /// significant bit leftmost, 1 = black) by `rows` dot rows, normal density.
    static func rasterImage(bytesPerRow: Int, rows: Int, data: [UInt8]) -> [UInt8] {
        [0x1D, 0x76, 0x30, 0x00,
         UInt8(bytesPerRow & 0xFF), UInt8(bytesPerRow >> 8),
         UInt8(rows & 0xFF), UInt8(rows >> 8)] + data
    }

    /// `GS ( k` with `cn = 49` (QR code): function `fn` and its parameters.
    static func qrFunction(_ function: UInt8, _ parameters: [UInt8]) -> [UInt8] {
        let length = parameters.count + 2   // cn and fn count too
        return [0x1D, 0x28, 0x6B, UInt8(length & 0xFF), UInt8(length >> 8), 0x31, function] + parameters
    }
}
