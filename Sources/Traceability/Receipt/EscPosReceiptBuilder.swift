/// Lays a ``Receipt`` out for a 58 mm or 80 mm thermal printer and returns the ESC/POS bytes a
/// scale can send to it as they are.
///
/// Text is GB18030 in the printer's Chinese mode; every line is wrapped to the paper's columns
/// (a CJK character takes two, a double-size title four), so the printer never wraps on its
/// own and breaks the layout. Field values are outside input: control characters in them are
/// printed as spaces, so a vendor name cannot smuggle printer commands.
public struct EscPosReceiptBuilder: Sendable {
    /// The roll the receipt is laid out for.
    public var paper: PaperWidth
    /// How the QR code is printed.
    public var qrStyle: ReceiptQRStyle

    public init(paper: PaperWidth = .mm58, qrStyle: ReceiptQRStyle? = nil) {
        self.paper = paper
        self.qrStyle = qrStyle ?? .defaultRaster(for: paper)
    }

    /// The receipt as ESC/POS bytes: initialize, text, QR code, trace number, feed, partial cut.
    public func build(_ receipt: Receipt) throws(ReceiptError) -> [UInt8] {
        guard let converter = GB18030Converter() else { throw .gb18030Unavailable }
        let qrCode: [UInt8]
        do {
            switch qrStyle {
            case let .raster(dotsPerModule):
                let matrix = try QRMatrix(encoding: receipt.lookupURL, errorCorrection: .medium)
                qrCode = EscPosQRCode.raster(matrix, dotsPerModule: dotsPerModule, paper: paper)
            case let .native(moduleSize):
                qrCode = try EscPosQRCode.native(receipt.lookupURL, moduleSize: moduleSize)
            }
        } catch {
            throw .qrCode(error)
        }

        var page = ReceiptPage(columns: paper.columns, converter: converter)
        page.append(EscPos.initialize + EscPos.chineseMode + EscPos.align(.center))
        page.title(receipt.market)
        page.line(ReceiptLabels.heading)
        page.append(EscPos.align(.left))
        page.rule()
        page.field(ReceiptLabels.stall, receipt.stall)
        page.field(ReceiptLabels.vendor, receipt.vendor)
        page.field(ReceiptLabels.item, receipt.item)
        page.field(ReceiptLabels.netWeight, ReceiptFormat.kilograms(grams: receipt.grams) + " kg")
        page.field(ReceiptLabels.unitPrice,
                   ReceiptFormat.yuan(fen: receipt.unitPriceFenPerKilogram) + " " + ReceiptLabels.yuanPerKilogram)
        page.append(EscPos.bold(true))
        page.field(ReceiptLabels.amount, ReceiptFormat.yuan(fen: receipt.amountFen) + " " + ReceiptLabels.yuan)
        page.append(EscPos.bold(false))
        page.field(ReceiptLabels.time, ReceiptFormat.shanghaiTime(receipt.issuedAt))
        page.rule()
        page.append(EscPos.align(.center))
        page.append(qrCode)
        page.append([EscPos.lineFeed])
        page.line(ReceiptLabels.traceNumber)
        page.line(receipt.traceNumber.grouped)
        page.line(ReceiptLabels.scanHint)
        page.append(EscPos.feed(lines: 3) + EscPos.feedAndPartialCut)
        return page.bytes
    }
}
