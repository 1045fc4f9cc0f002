/// The amount of a weighing, in integer fen.
///
/// Rule: amount = grams × unit price (fen/kg) ÷ 1000, rounded half up to the fen (0.5 fen and
/// more rounds up, less rounds down), in exact integer arithmetic. Example from PROTOCOL.md:
/// 1250 g × 680 fen/kg = 850 000 ÷ 1000 = 850 fen (8.50 元); 1 g × 500 fen/kg = 0.5 fen → 1 fen.
public enum Pricing {
    /// The amount for `grams` at `unitPriceFenPerKilogram`, or why there is none.
    public static func amountFen(grams: Int, unitPriceFenPerKilogram price: Int) throws(PricingError) -> Int {
        guard grams > 0 else { throw .weightNotPositive(grams: grams) }
        guard price > 0 else { throw .unitPriceNotPositive(fen: price) }
        let (product, productOverflow) = grams.multipliedReportingOverflow(by: price)
        let (rounded, roundingOverflow) = product.addingReportingOverflow(500)
        guard !productOverflow, !roundingOverflow else {
            throw .overflow(grams: grams, unitPriceFenPerKilogram: price)
        }
        let amount = rounded / 1000
        // A sale worth under half a fen is almost surely a price entered in the wrong unit.
        guard amount > 0 else { throw .amountBelowOneFen(grams: grams, unitPriceFenPerKilogram: price) }
        return amount
    }
}
