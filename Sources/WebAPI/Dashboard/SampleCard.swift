import KitchenModel
import Ledgers
import Reports

/// 留样 on the site page's 今日台账: dishes sampled out of those planned, which are missing (by
/// meal), and samples removed early or kept out of 0–8 °C (docs/ledgers.md).
enum SampleCard {
    static func render(_ sheet: DailyLedgerSheet, kit: PageKit) -> String {
        guard let samples = sheet.samples else { return "" }
        var body = "<section class=\"card ledger samples\"><h3>\(kit.t("留样", "Food samples"))</h3>"
        let open = samples.notSampled
        body += "<p>\(kit.t("留样", "Sampled")) <b>\(samples.sampled) / \(samples.lines.count)</b> "
        body += open.isEmpty ? kit.t("· 已全部完成", "· all done") : "· <b>\(kit.t("未留样", "not sampled")) \(open.count)</b>"
        body += "</p>"
        let missing = open.filter { $0.status == .missing }
        if !missing.isEmpty {
            body += "<p><b>\(kit.t("供餐结束仍未留样：", "Missing after service: "))</b>"
                + missing.map { "\(kit.t($0.meal.nameZH, $0.meal.rawValue)) \(HTML.escape($0.dish))" }.joined(separator: "、") + "</p>"
        }
        let due = open.filter { $0.status != .missing }
        if !due.isEmpty {
            body += "<p>\(kit.t("待留样：", "Still to sample: "))"
                + due.map { "\(kit.t($0.meal.nameZH, $0.meal.rawValue)) \(HTML.escape($0.dish))" }.joined(separator: "、") + "</p>"
        }
        for finding in samples.findings {
            body += "<p><b>\(kit.t(finding.sample.input.meal.nameZH, finding.sample.input.meal.rawValue)) "
                + "\(HTML.escape(finding.sample.input.dish))：\(kit.t(finding.keeping.wordZH, finding.keeping.word))</b></p>"
        }
        return body + "</section>"
    }
}
