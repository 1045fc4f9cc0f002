// Throughput of the traceability pieces a weighing goes through: mint a code, verify it,
// encode the QR code and draw it as SVG, build the ESC/POS receipt. Run in release:
//   swift run -c release bench-trace [seconds per measurement, default 2]
import Foundation
import Traceability

let secondsPerMeasurement = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 2

/// Runs `body` in batches until `secondsPerMeasurement` have passed; prints and returns ops/s.
/// `body` returns a number folded into a checksum so the optimizer cannot drop the work.
@discardableResult
func measure(_ name: String, batch: Int = 1_000, _ body: (Int) throws -> Int) rethrows -> Double {
    let clock = ContinuousClock()
    let limit = Duration.milliseconds(Int(secondsPerMeasurement * 1_000))
    var operations = 0
    var checksum = 0
    for index in 0..<batch { checksum &+= try body(index) }   // warm up caches and lazy tables
    let start = clock.now
    while clock.now - start < limit {
        for index in 0..<batch { checksum &+= try body(index) }
        operations += batch
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(operations) / seconds
    let perOperation = seconds / Double(operations) * 1e6
    print("\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%12.0f", rate)) /s   \(String(format: "%8.2f", perOperation)) µs/op   (checksum \(checksum & 0xFFFF))")
    return rate
}

let keyring = TicketKeyring.generate()
let lookup = try TicketLookupURL(base: "HTTPS://TRACE.EXAMPLE-MARKET.CN/T/")
let codes = (0..<1_000).map { _ in keyring.mint() }
let urls = codes.map(lookup.url(for:))
let svg = QRSVGRenderer()
let receipts = codes.map { code in
    Receipt(market: "武汉市江汉区北湖农贸市场", stall: "A12", vendor: "老张鲜菜", item: "西红柿",
            grams: 1250, unitPriceFenPerKilogram: 680, amountFen: 850, issuedAt: Date(),
            traceNumber: TraceNumber(ticketID: code.ticketID), lookupURL: lookup.url(for: code))
}

print("bench-trace: \(secondsPerMeasurement) s per measurement, one thread")
measure("mint (random id + HMAC)") { _ in keyring.mint().text.utf8.count }
try measure("verify (parse + HMAC)") { index in Int(try keyring.verify(codes[index].text).ticketID.rawValue & 1) }
try measure("trace number (make + parse)") { index in
    Int(try TraceNumber(parsing: TraceNumber(ticketID: codes[index].ticketID).digits).ticketID.rawValue & 1)
}
try measure("QR encode (libqrencode, v3-M)", batch: 200) { index in try QRMatrix(encoding: urls[index]).size }
try measure("QR encode + SVG", batch: 200) { index in svg.render(try QRMatrix(encoding: urls[index])).utf8.count }
for paper in PaperWidth.allCases {
    let raster = EscPosReceiptBuilder(paper: paper)
    let native = EscPosReceiptBuilder(paper: paper, qrStyle: .native(moduleSize: 6))
    let label = paper == .mm58 ? "58 mm" : "80 mm"
    try measure("ESC/POS receipt \(label), raster QR", batch: 200) { index in try raster.build(receipts[index]).count }
    try measure("ESC/POS receipt \(label), native QR", batch: 200) { index in try native.build(receipts[index]).count }
}
for paper in PaperWidth.allCases {
    let raster = try EscPosReceiptBuilder(paper: paper).build(receipts[0]).count
    let native = try EscPosReceiptBuilder(paper: paper, qrStyle: .native(moduleSize: 6)).build(receipts[0]).count
    print("receipt size \(paper == .mm58 ? "58 mm" : "80 mm"): \(raster) bytes with raster QR, \(native) with native QR")
}
