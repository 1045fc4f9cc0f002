/// The two ways a receipt's QR code is written in ESC/POS.
enum EscPosQRCode {
    /// Quiet zone in modules, included in the raster image so text never touches the symbol.
    static let quietZone = 4
    /// The largest payload the native commands accept (`pL pH` = length + 3 ≤ 7092).
    static let maximumNativeBytes = 7_089

    /// The symbol as one full-width `GS v 0` image, centred, with the quiet zone; modules are
    /// `dotsPerModule` dots square, reduced until the image fits `paper`.
    static func raster(_ matrix: QRMatrix, dotsPerModule: Int, paper: PaperWidth) -> [UInt8] {
        let side = matrix.size + 2 * quietZone
        let scale = max(1, min(dotsPerModule, paper.dots / side))
        let bytesPerRow = paper.dots / 8
        let imageDots = side * scale
        let leftMargin = (paper.dots - imageDots) / 2
        var data = [UInt8](repeating: 0, count: bytesPerRow * imageDots)
        for moduleRow in 0..<matrix.size {
            for moduleColumn in 0..<matrix.size where matrix.isDark(row: moduleRow, column: moduleColumn) {
                let top = (moduleRow + quietZone) * scale
                let left = leftMargin + (moduleColumn + quietZone) * scale
                for y in top..<top + scale {
                    for x in left..<left + scale {
                        data[y * bytesPerRow + x / 8] |= 0x80 >> UInt8(x % 8)
                    }
                }
            }
        }
        return EscPos.rasterImage(bytesPerRow: bytesPerRow, rows: imageDots, data: data)
    }

    /// The printer's own model-2 QR code at level M: select model, module size, level, store
    /// the data, print it.
    static func native(_ text: String, moduleSize: Int) throws(QREncodingError) -> [UInt8] {
        let data = Array(text.utf8)
        guard !data.isEmpty else { throw .emptyText }
        guard data.count <= maximumNativeBytes else { throw .tooLong(byteCount: data.count) }
        let size = UInt8(max(1, min(16, moduleSize)))
        return EscPos.qrFunction(0x41, [0x32, 0x00])                   // fn 165: model 2
            + EscPos.qrFunction(0x43, [size])                           // fn 167: module size
            + EscPos.qrFunction(0x45, [0x31])                           // fn 169: level M
            + EscPos.qrFunction(0x50, [0x30] + data)                    // fn 180: store
            + EscPos.qrFunction(0x51, [0x30])                           // fn 181: print
    }
}
