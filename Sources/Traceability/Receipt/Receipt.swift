import Foundation

/// What a weighing receipt shows (DOMAIN.md "Traceability": market, stall, vendor, item, net
/// weight, unit price, amount, time, trace number and the QR code).
public struct Receipt: Sendable, Hashable {
    /// Market name, printed as the title.
    public var market: String
    /// Stall number, e.g. `A12`.
    public var stall: String
    /// Vendor (business) name.
    public var vendor: String
    /// Item name.
    public var item: String
    /// Net weight in grams.
    public var grams: Int
    /// Unit price in fen per kilogram.
    public var unitPriceFenPerKilogram: Int
    /// Amount in fen (see ``Pricing/amountFen(grams:unitPriceFenPerKilogram:)``).
    public var amountFen: Int
    /// When the ticket was issued; printed in Asia/Shanghai time.
    public var issuedAt: Date
    /// The 20-digit number printed under the QR code.
    public var traceNumber: TraceNumber
    /// What the QR code holds: the lookup URL, upper-cased to stay in alphanumeric mode.
    public var lookupURL: String

    public init(market: String, stall: String, vendor: String, item: String, grams: Int,
                unitPriceFenPerKilogram: Int, amountFen: Int, issuedAt: Date,
                traceNumber: TraceNumber, lookupURL: String) {
        self.market = market
        self.stall = stall
        self.vendor = vendor
        self.item = item
        self.grams = grams
        self.unitPriceFenPerKilogram = unitPriceFenPerKilogram
        self.amountFen = amountFen
        self.issuedAt = issuedAt
        self.traceNumber = traceNumber
        self.lookupURL = lookupURL
    }
}
