import Foundation
@testable import Traceability

/// Keys and values shared by the tests.
enum Fixtures {
    /// A keyring whose only key (id 1) is the bytes 0…31, so codes are reproducible.
    static func fixedKeyring() throws -> TicketKeyring {
        try TicketKeyring(active: TicketKey(id: TicketKeyID(rawValue: 1)!, secret: Array(0..<32) as [UInt8]))
    }

    static let realisticBase = "HTTPS://TRACE.EXAMPLE-MARKET.CN/T/"

    static func receipt(vendor: String = "老张鲜菜", lookupURL: String? = nil) throws -> Receipt {
        let keyring = try fixedKeyring()
        let code = keyring.mint(TicketID(rawValue: 0x0123456789ABCDE)!)
        return Receipt(
            market: "武汉市江汉区北湖农贸市场", stall: "A12", vendor: vendor, item: "西红柿",
            grams: 1250, unitPriceFenPerKilogram: 680, amountFen: 850,
            issuedAt: Date(timeIntervalSince1970: 1_746_066_225),   // 2025-05-01 02:23:45 UTC
            traceNumber: TraceNumber(ticketID: code.ticketID),
            lookupURL: lookupURL ?? Fixtures.realisticBase + code.text)
    }
}
