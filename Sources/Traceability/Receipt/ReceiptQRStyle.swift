/// How the receipt's QR code reaches the paper.
public enum ReceiptQRStyle: Sendable, Hashable {
    /// Encoded here by libqrencode and sent as a raster image (`GS v 0`), `dotsPerModule` dots
    /// per module (reduced if the symbol would not fit the paper). Works on every ESC/POS
    /// printer and prints exactly the symbol the tests decode.
    case raster(dotsPerModule: Int)
    /// Sent as text with the printer's own model-2 QR commands (`GS ( k`), level M,
    /// `moduleSize` dots per module (1…16). Much less data on a slow serial line, but only for
    /// printers whose firmware has QR support.
    case native(moduleSize: Int)

    /// About 28 mm wide for a version-3 symbol on 58 mm paper, 37 mm on 80 mm.
    public static func defaultRaster(for paper: PaperWidth) -> ReceiptQRStyle {
        .raster(dotsPerModule: paper == .mm58 ? 6 : 8)
    }
}
