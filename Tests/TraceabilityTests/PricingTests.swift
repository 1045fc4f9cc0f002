import Foundation
import Testing
import Traceability

@Suite("Pricing")
struct PricingTests {
    @Test("amount in fen, half up", arguments: [
        (1250, 680, 850),          // PROTOCOL.md example
        (1000, 1, 1),
        (1, 500, 1),               // exactly half a fen rounds up
        (3, 333, 1),               // 0.999 fen
        (1499, 1, 1),              // 1.499 fen
        (1500, 1, 2),              // 1.5 fen
        (2500, 1, 3),              // 2.5 fen: half up, not to even
        (333, 1234, 411),          // 410.922
        (1_000_000, 100_000_000, 100_000_000_000),
    ])
    func amounts(grams: Int, price: Int, expected: Int) throws {
        #expect(try Pricing.amountFen(grams: grams, unitPriceFenPerKilogram: price) == expected)
    }

    @Test("bad inputs give typed errors", arguments: [
        (0, 680, PricingError.weightNotPositive(grams: 0)),
        (-5, 680, .weightNotPositive(grams: -5)),
        (1250, 0, .unitPriceNotPositive(fen: 0)),
        (1250, -1, .unitPriceNotPositive(fen: -1)),
        (1, 499, .amountBelowOneFen(grams: 1, unitPriceFenPerKilogram: 499)),
        (Int.max, 2, .overflow(grams: Int.max, unitPriceFenPerKilogram: 2)),
        (Int.max / 1000, 1001, .overflow(grams: Int.max / 1000, unitPriceFenPerKilogram: 1001)),
        (Int.max, 1, .overflow(grams: Int.max, unitPriceFenPerKilogram: 1)),   // only the rounding overflows
    ])
    func errors(grams: Int, price: Int, expected: PricingError) {
        let error = #expect(throws: PricingError.self) { try Pricing.amountFen(grams: grams, unitPriceFenPerKilogram: price) }
        #expect(error == expected)
        #expect(error.map { !$0.code.isEmpty } == true)
    }

    @Test("formatting for the receipt")
    func formatting() {
        #expect(ReceiptFormat.kilograms(grams: 1250) == "1.250")
        #expect(ReceiptFormat.kilograms(grams: 5) == "0.005")
        #expect(ReceiptFormat.yuan(fen: 850) == "8.50")
        #expect(ReceiptFormat.yuan(fen: 7) == "0.07")
        #expect(ReceiptFormat.yuan(fen: -120) == "-1.20")
        #expect(ReceiptFormat.yuan(fen: Int.min) == "-92233720368547758.08")
        // UTC+8: 23:59:59 UTC is the next day in Shanghai.
        #expect(ReceiptFormat.shanghaiTime(Date(timeIntervalSince1970: 1_746_143_999)) == "2025-05-02 07:59:59")
        #expect(ReceiptFormat.shanghaiTime(Date(timeIntervalSince1970: 0)) == "1970-01-01 08:00:00")
        #expect(ReceiptFormat.shanghaiTime(Date(timeIntervalSince1970: .infinity)) == "---------- --:--:--")
    }
}
