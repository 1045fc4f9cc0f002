import KitchenModel
import Ledgers
import Reports

/// 今日台账 on a site's page: what of today's ledgers is done and what is missing (docs/ledgers.md).
enum LedgerCard {
    static func render(_ sheet: DailyLedgerSheet, kit: PageKit) -> String {
        var body = "<h2>\(kit.t("今日台账", "Today's ledgers")) · \(HTML.escape(sheet.day.description))</h2><section class=\"card ledger\">"
        guard !sheet.lines.isEmpty else {
            return body + "<p class=\"muted\">\(kit.t("尚无从业人员记录：先登记员工与健康证。", "No staff recorded yet: record workers and their health certificates first."))</p></section>"
        }
        let missing = sheet.missing
        body += "<p>\(kit.t("晨检", "Morning checks")) <b>\(sheet.checked) / \(sheet.lines.count)</b> "
        body += missing.isEmpty ? kit.t("· 已全部完成", "· all done") : "· <b>\(kit.t("未晨检", "not checked")) \(missing.count)</b>"
        body += "</p>"
        if !missing.isEmpty {
            body += "<p>\(kit.t("未晨检：", "Not checked: "))\(missing.map { HTML.escape($0.name) }.joined(separator: "、"))</p>"
        }
        let excluded = sheet.excluded
        if !excluded.isEmpty {
            body += "<p><b>\(kit.t("今日不得上岗：", "Excluded today: "))</b>\(excluded.map { HTML.escape($0.name) }.joined(separator: "、"))</p>"
        }
        let rechecked = sheet.lines.filter { $0.check?.recheckAfterExclusion == true }.map(\.worker)
        if !rechecked.isEmpty {
            body += "<p><b>\(kit.t("排除后再次晨检：", "Checked again after exclusion: "))</b>"
                + "\(rechecked.map { HTML.escape($0.name) }.joined(separator: "、"))</p>"
        }
        for line in sheet.lines {
            switch line.certificate {
            case .valid: continue
            case .expiring(let days):
                body += "<p>\(HTML.escape(line.worker.name)) \(kit.t("健康证 \(days) 天后到期", "health certificate expires in \(days) days"))</p>"
            case .expired:
                body += "<p><b>\(HTML.escape(line.worker.name)) \(kit.t("健康证已过期，不得上岗", "health certificate expired: barred"))</b></p>"
            }
        }
        body += records(sheet, kit: kit)
        if let head = sheet.head {
            body += "<p class=\"muted\">\(kit.t("签名链头", "Signed chain head")) #\(head.seq) · \(HTML.escape(String(head.hash.prefix(16))))…</p>"
        }
        return body + "</section>"
    }
}
