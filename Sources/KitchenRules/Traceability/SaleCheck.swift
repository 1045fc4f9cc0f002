import KitchenModel

/// Why a scale's `weigh` gets `ok:false`. Raw values are the protocol's machine-readable
/// `error` field; scales switch on them, so they never change.
public enum SaleRefusal: String, Error, Hashable, Sendable, CaseIterable {
    case notAMarket = "not_a_market"
    case unknownStall = "unknown_stall"
    case wrongStall = "wrong_stall"
    case unknownBatch = "unknown_batch"
    case batchOfOtherStall = "batch_of_other_stall"
    case batchNotInspected = "batch_not_inspected"
    case batchFailedInspection = "batch_failed_inspection"
    case batchRecalled = "batch_recalled"
    /// Weight × price gives no sensible amount (a zero price, or under half a fen).
    case invalidAmount = "invalid_amount"

    /// What the scale shows the vendor (Chinese: the people at the stall read it).
    public var message: String {
        switch self {
        case .notAMarket: "该秤所在场所不是市场，不能出具追溯小票"
        case .unknownStall: "摊位号未登记，请联系市场管理处"
        case .wrongStall: "该秤登记在其他摊位，请核对摊位号"
        case .unknownBatch: "批次号不存在，请先完成进货登记"
        case .batchOfOtherStall: "该批次属于其他摊位"
        case .batchNotInspected: "该批次尚未完成进货查验，暂不能销售"
        case .batchFailedInspection: "该批次快检不合格，禁止销售"
        case .batchRecalled: "该批次已召回，禁止销售"
        case .invalidAmount: "金额无效，请核对单价（元/千克）和重量"
        }
    }
}

/// Whether a weighing may become a ticket: the stall belongs to the market (and to this
/// scale), the batch is known to the market, inspected, passed and not recalled. Weight and
/// price ranges are the decoder's business (PROTOCOL ranges), checked before this.
public enum SaleCheck {
    /// - Parameters:
    ///   - stalls: the market's registered stalls; empty means the market does not list them.
    ///   - scaleStall: the stall the scale is registered to, if any.
    public static func check(_ request: WeighRequest, site: SiteConfig, stalls: [Stall], scaleStall: String?,
                             batch: Batch?) -> SaleRefusal? {
        guard site.kind == .market else { return .notAMarket }
        if let scaleStall, scaleStall != request.stall { return .wrongStall }
        if !stalls.isEmpty, !stalls.contains(where: { $0.id == request.stall }) { return .unknownStall }
        // A batch of another market is "unknown" here: its existence is not this scale's business.
        guard let batch, batch.site == site.id else { return .unknownBatch }
        if let owner = batch.stall, owner != request.stall { return .batchOfOtherStall }
        if batch.recall != nil { return .batchRecalled }
        guard let inspection = batch.inspection else { return .batchNotInspected }
        guard inspection.passed else { return .batchFailedInspection }
        return nil
    }
}
