import Foundation
import TestSupport
import Testing
@testable import Traceability

@Suite("ESC/POS receipts")
struct EscPosReceiptTests {
    @Test("GB18030 through iconv gives the known bytes")
    func gb18030KnownBytes() throws {
        let converter = try #require(GB18030Converter())
        #expect(converter.encode("鲜") == [0xCF, 0xCA])
        #expect(converter.encode("张三") == [0xD5, 0xC5, 0xC8, 0xFD])
        #expect(converter.encode("A12 元") == [0x41, 0x31, 0x32, 0x20, 0xD4, 0xAA])
        #expect(converter.encode("😀") == [0x94, 0x39, 0xFC, 0x36])   // four-byte plane
        #expect(converter.encode("") == [])
    }

    @Test("starts with ESC @, holds the vendor in GB18030, ends with feed and partial cut",
          arguments: PaperWidth.allCases)
    func framing(paper: PaperWidth) throws {
        let bytes = try EscPosReceiptBuilder(paper: paper).build(Fixtures.receipt(vendor: "老张鲜菜"))
        #expect(Array(bytes.prefix(2)) == [0x1B, 0x40])
        let vendor = try #require(GB18030Converter()).encode("老张鲜菜")
        #expect(bytes.firstRange(of: vendor) != nil)
        #expect(bytes.firstRange(of: [0xCF, 0xCA]) != nil)   // 鲜
        #expect(Array(bytes.suffix(4)) == [0x1D, 0x56, 0x42, 0x00])
    }

    @Test("the printed text carries every field", arguments: PaperWidth.allCases)
    func fields(paper: PaperWidth) throws {
        let stream = try EscPosStream(EscPosReceiptBuilder(paper: paper).build(Fixtures.receipt()))
        let text = stream.lines.map { decodeGB18030($0.bytes) }.joined(separator: "\n")
        for expected in ["武汉市江汉区", "摊位：A12", "商户：老张鲜菜", "品名：西红柿", "净重：1.250 kg",
                         "单价：6.80 元/kg", "金额：8.50 元", "时间：2025-05-01 10:23:45", "追溯码",
                         "0005 1240 9557 6030 430"] {
            #expect(text.contains(expected), "missing \(expected) in\n\(text)")
        }
    }

    @Test("no line is wider than the paper, long values wrapped", arguments: PaperWidth.allCases)
    func columns(paper: PaperWidth) throws {
        var receipt = try Fixtures.receipt(vendor: String(repeating: "鲜", count: 40))
        receipt.market = "Wuhan Jianghan District Beihu Farmers Market 武汉市江汉区北湖农贸市场"
        receipt.item = "Organic cherry tomatoes, loose, grade A premium selection"
        let stream = try EscPosStream(EscPosReceiptBuilder(paper: paper).build(receipt))
        #expect(stream.lines.count > 12)
        for line in stream.lines {
            #expect(EscPosStream.columns(of: line) <= paper.columns, "\(decodeGB18030(line.bytes))")
        }
        let text = stream.lines.map { decodeGB18030($0.bytes) }.joined()
        #expect(text.filter { $0 == "鲜" }.count == 40)   // wrapped, nothing lost
    }

    @Test("latin words wrap at spaces")
    func wordWrap() throws {
        let converter = try #require(GB18030Converter())
        let lines = PrinterText("Organic cherry tomatoes grade A", converter: converter).wrapped(to: 16)
        #expect(lines.map { decodeGB18030($0.bytes) } == ["Organic cherry", "tomatoes grade A"])
        let cjk = PrinterText("鲜鲜鲜鲜鲜", converter: converter).wrapped(to: 5)
        #expect(cjk.map(\.width) == [4, 4, 2])
    }

    @Test("control characters in fields cannot inject printer commands")
    func controlCharacters() throws {
        let receipt = try Fixtures.receipt(vendor: "张\u{1B}@\u{1D}V\u{0}三\n四")
        let stream = try EscPosStream(EscPosReceiptBuilder().build(receipt))   // throws on stray commands
        let vendorLine = stream.lines.map { decodeGB18030($0.bytes) }.first { $0.hasPrefix("商户") }
        #expect(vendorLine == "商户：张 @ V 三 四")
    }

    @Test("the raster QR has a correct GS v 0 header and zbarimg reads the URL from it",
          arguments: PaperWidth.allCases)
    func rasterQR(paper: PaperWidth) throws {
        let receipt = try Fixtures.receipt()
        let stream = try EscPosStream(EscPosReceiptBuilder(paper: paper).build(receipt))
        let raster = try #require(stream.rasters.first)
        let matrix = try QRMatrix(encoding: receipt.lookupURL)
        let scale = paper == .mm58 ? 6 : 8
        #expect(raster.bytesPerRow == paper.dots / 8)
        #expect(raster.rows == (matrix.size + 8) * scale)
        #expect(raster.data.count == raster.bytesPerRow * raster.rows)
        // Header bytes exactly: GS v 0 m xL xH yL yH.
        let bytes = try EscPosReceiptBuilder(paper: paper).build(receipt)
        let header: [UInt8] = [0x1D, 0x76, 0x30, 0x00, UInt8(raster.bytesPerRow), 0,
                               UInt8(raster.rows & 0xFF), UInt8(raster.rows >> 8)]
        #expect(bytes.firstRange(of: header) != nil)

        guard ZBar.isAvailable else { return }   // the decode below needs zbarimg
        let pixels = (0..<raster.rows).map { y in
            (0..<raster.bytesPerRow * 8).map { x in raster.data[y * raster.bytesPerRow + x / 8] & (0x80 >> UInt8(x % 8)) != 0 }
        }
        #expect(try ZBar.decode(pixels: pixels) == receipt.lookupURL)
    }

    @Test("dots per module shrink so a large symbol still fits the paper")
    func rasterScaleClamped() throws {
        let receipt = try Fixtures.receipt(lookupURL: String(repeating: "A", count: 500))
        let builder = EscPosReceiptBuilder(paper: .mm58, qrStyle: .raster(dotsPerModule: 12))
        let raster = try #require(try EscPosStream(builder.build(receipt)).rasters.first)
        #expect(raster.bytesPerRow == 48)
        let side = try QRMatrix(encoding: receipt.lookupURL).size + 8
        #expect(raster.rows == side * (384 / side))
        #expect(raster.rows <= 384)
    }

    @Test("the native QR command sequence is model 2, level M, store, print")
    func nativeQR() throws {
        let receipt = try Fixtures.receipt()
        let builder = EscPosReceiptBuilder(paper: .mm80, qrStyle: .native(moduleSize: 6))
        let stream = try EscPosStream(builder.build(receipt))
        #expect(stream.rasters.isEmpty)
        let functions = stream.qrFunctions
        #expect(functions.map(\.function) == [0x41, 0x43, 0x45, 0x50, 0x51])
        #expect(functions[0].parameters == [0x32, 0x00])
        #expect(functions[1].parameters == [6])
        #expect(functions[2].parameters == [0x31])
        #expect(functions[3].parameters == [0x30] + Array(receipt.lookupURL.utf8))
        #expect(functions[4].parameters == [0x30])
        let bytes = try builder.build(receipt)
        let length = receipt.lookupURL.utf8.count + 3
        #expect(bytes.firstRange(of: [0x1D, 0x28, 0x6B, UInt8(length & 0xFF), UInt8(length >> 8), 0x31, 0x50, 0x30]) != nil)
    }

    @Test("a lookup URL that cannot be a QR code is a receipt error")
    func unencodableURL() throws {
        let receipt = try Fixtures.receipt(lookupURL: "")
        #expect(throws: ReceiptError.qrCode(.emptyText)) { try EscPosReceiptBuilder().build(receipt) }
        #expect(throws: ReceiptError.qrCode(.emptyText)) {
            try EscPosReceiptBuilder(qrStyle: .native(moduleSize: 4)).build(receipt)
        }
    }

    /// GB18030 back to text through iconv the other way, for readable assertions.
    private func decodeGB18030(_ bytes: [UInt8]) -> String {
        guard let descriptor = iconv_open("UTF-8", "GB18030"), Int(bitPattern: descriptor) != -1 else { return "" }
        defer { iconv_close(descriptor) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 4 + 4)
        let count = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                var inPointer = source.baseAddress, outPointer = target.baseAddress
                var inLeft = source.count, outLeft = target.count
                _ = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                return target.count - outLeft
            }
        }
        return String(decoding: output.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
