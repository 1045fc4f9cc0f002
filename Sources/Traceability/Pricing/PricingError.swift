/// Why a weighing has no price.
public enum PricingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The net weight is zero or negative.
    case weightNotPositive(grams: Int)
    /// The unit price is zero or negative.
    case unitPriceNotPositive(fen: Int)
    /// grams × price does not fit a 64-bit integer.
    case overflow(grams: Int, unitPriceFenPerKilogram: Int)
    /// The amount rounds to 0 fen.
    case amountBelowOneFen(grams: Int, unitPriceFenPerKilogram: Int)

    /// A stable machine-readable reason, e.g. for the `error` field of a `ticket` reply.
    public var code: String {
        switch self {
        case .weightNotPositive: "weight_not_positive"
        case .unitPriceNotPositive: "unit_price_not_positive"
        case .overflow: "amount_overflow"
        case .amountBelowOneFen: "amount_below_one_fen"
        }
    }

    public var description: String {
        switch self {
        case let .weightNotPositive(grams): "the net weight must be positive, got \(grams) g"
        case let .unitPriceNotPositive(fen): "the unit price must be positive, got \(fen) fen/kg"
        case let .overflow(grams, price): "\(grams) g at \(price) fen/kg is too large to price"
        case let .amountBelowOneFen(grams, price): "\(grams) g at \(price) fen/kg comes to less than half a fen"
        }
    }
}
