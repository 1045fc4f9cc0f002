/// The fixed Chinese wording of a receipt.
enum ReceiptLabels {
    static let heading = "食品安全追溯凭证"
    static let stall = "摊位"
    static let vendor = "商户"
    static let item = "品名"
    static let netWeight = "净重"
    static let unitPrice = "单价"
    static let amount = "金额"
    static let time = "时间"
    static let traceNumber = "追溯码"
    static let yuan = "元"
    static let yuanPerKilogram = "元/kg"
    static let scanHint = "扫码查看产地、供货商与检测结果"
    /// Full-width colon after a label, so labels line up with CJK text.
    static let separator = "："
}
