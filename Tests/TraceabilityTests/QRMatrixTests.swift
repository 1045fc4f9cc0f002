import TestSupport
import Testing
@testable import Traceability

@Suite("QR matrix")
struct QRMatrixTests {
    @Test("the realistic lookup URL is version 3 or below at level M, in alphanumeric mode")
    func realisticURLFitsVersion3() throws {
        let keyring = try Fixtures.fixedKeyring()
        for _ in 0..<20 {
            let url = try TicketLookupURL(base: "https://trace.example-market.cn/t/").url(for: keyring.mint())
            let matrix = try QRMatrix(encoding: url)
            #expect(matrix.mode == .alphanumeric)
            #expect(matrix.version <= 3)
            #expect(matrix.size == 17 + 4 * matrix.version)
            #expect(matrix.errorCorrection == .medium)
        }
    }

    @Test("a 36-character base keeps version 3; one more character needs version 4")
    func maximumBaseLength() throws {
        let code = try Fixtures.fixedKeyring().mint()
        let longest = "HTTPS://" + String(repeating: "A", count: TicketLookupURL.maximumBaseLength - 12) + ".CN/"
        #expect(longest.count == 36)
        #expect(try QRMatrix(encoding: longest + code.text).version == 3)
        #expect(try QRMatrix(encoding: "A" + longest + code.text).version == 4)
    }

    @Test("alphanumeric capacity at level M, as docs/ticket-codes.md tabulates it", arguments: [
        (20, 1), (21, 2), (38, 2), (39, 3), (61, 3), (62, 4), (90, 4),
    ])
    func capacity(length: Int, version: Int) throws {
        #expect(try QRMatrix(encoding: String(repeating: "A", count: length)).version == version)
    }

    @Test("text outside the alphanumeric set uses byte mode")
    func byteMode() throws {
        let matrix = try QRMatrix(encoding: "https://trace.example-market.cn/t/abc")
        #expect(matrix.mode == .byte)
        #expect(try QRMatrix(encoding: "鲜").mode == .byte)
    }

    @Test("libqrencode failures become Swift errors")
    func failures() {
        #expect(throws: QREncodingError.emptyText) { try QRMatrix(encoding: "") }
        #expect(throws: QREncodingError.tooLong(byteCount: 3_000)) {
            try QRMatrix(encoding: String(repeating: "x", count: 3_000), errorCorrection: .high)
        }
        #expect(throws: QREncodingError.tooLong(byteCount: 100_000)) {
            try QRMatrix(encoding: String(repeating: "1", count: 100_000))
        }
    }

    @Test("zbarimg reads the URL back from a rendered symbol",
          .enabled(if: ZBar.isAvailable, "zbarimg not installed (apt-get install zbar-tools); QR round trip skipped"))
    func zbarRoundTrip() throws {
        let keyring = try Fixtures.fixedKeyring()
        for _ in 0..<3 {
            let url = Fixtures.realisticBase + keyring.mint().text
            let matrix = try QRMatrix(encoding: url)
            let decoded = try ZBar.decode(pixels: ZBar.pixels(size: matrix.size) { matrix.isDark(row: $0, column: $1) })
            #expect(decoded == url)
        }
        let mixed = "https://trace.example-market.cn/t/小票?x=1"
        let mixedMatrix = try QRMatrix(encoding: mixed)
        let decoded = try ZBar.decode(pixels: ZBar.pixels(size: mixedMatrix.size) { mixedMatrix.isDark(row: $0, column: $1) })
        #expect(decoded == mixed)
    }
}
