import Foundation
import KitchenModel
import Traceability

/// The consumer's page behind the QR code: what was bought, where it came from, whether it
/// passed inspection, and a mark that says the code is genuine (or a clear page saying not).
enum TicketPage {
    static func render(_ t: TicketLookup, language: PageLanguage) -> String {
        let zh = language == .zh
        var body = "<h1>\(zh ? "食品追溯" : "Food traceability")</h1>"
        body += "<p><span class=\"badge genuine\">✓ \(zh ? "正品溯源码，已验证" : "Genuine code, verified")</span></p>"
        if let warning = t.warning {
            let text = switch (warning, zh) {
            case ("recalled", true): "⚠ 该批次已召回：请勿食用，可凭本小票到摊位退换。"
            case ("recalled", false): "⚠ This batch has been RECALLED: do not eat it; return it to the stall with this receipt."
            case (_, true): "⚠ 该批次检验不合格：请勿食用，可凭本小票到摊位退换。"
            default: "⚠ This batch FAILED inspection: do not eat it; return it to the stall with this receipt."
            }
            body += "<div class=\"alert\" role=\"alert\">\(HTML.escape(text))"
            if let recall = t.batch.recall { body += "<br>\(zh ? "原因" : "Reason")：\(HTML.escape(recall.reason))" }
            body += "</div>"
        }
        body += "<section class=\"card\"><div class=\"amount\">\(HTML.escape(t.item)) · ¥\(yuan(t.totalFen))</div><dl>"
        body += row(zh ? "市场" : "Market", t.market)
        body += row(zh ? "摊位" : "Stall", t.stall + (t.vendor.map { " · \($0)" } ?? ""))
        body += row(zh ? "净重" : "Net weight", kilograms(t.grams) + " kg")
        body += row(zh ? "单价" : "Unit price", "¥\(yuan(t.unitPriceFen))/kg")
        body += row(zh ? "时间" : "Time", localTime(t.issuedAt))
        body += row(zh ? "追溯码" : "Trace no.", t.traceNumber)
        body += "</dl></section>"

        body += "<h2>\(zh ? "来源" : "Origin")</h2><section class=\"card\"><dl>"
        body += row(zh ? "产地" : "Place", t.batch.origin.place)
        if let producer = t.batch.origin.producer { body += row(zh ? "生产者/基地" : "Producer", producer) }
        body += row(zh ? "供货商" : "Supplier", t.batch.supplier.name)
        body += row(zh ? "许可证号" : "Licence", t.batch.supplier.licence)
        body += row(zh ? "进货日期" : "Arrived", t.batch.arrivalDate)
        body += row(zh ? "批次" : "Batch", t.batch.id)
        body += "</dl></section>"

        body += "<h2>\(zh ? "检验" : "Inspection")</h2><section class=\"card\"><dl>"
        if let i = t.batch.inspection {
            let verdict = i.passed ? (zh ? "合格" : "Passed") : (zh ? "不合格" : "Failed")
            body += "<dt>\(zh ? "结果" : "Result")</dt><dd class=\"\(i.passed ? "pass" : "fail")\">\(verdict)</dd>"
            switch i.method {
            case .rapidTest:
                body += row(zh ? "方式" : "Method", zh ? "快速检测" : "Rapid test")
                body += row(zh ? "项目" : "Tested for", i.items.joined(separator: "、"))
                if let tester = i.tester { body += row(zh ? "检测员" : "Tester", tester) }
            case .voucher:
                body += row(zh ? "方式" : "Method", zh ? "承诺达标合格证" : "Producer's compliance certificate")
                if let number = i.voucherNumber { body += row(zh ? "合格证号" : "Certificate no.", number) }
            }
            body += row(zh ? "检验时间" : "Inspected", localTime(i.at))
        } else {
            body += row(zh ? "结果" : "Result", zh ? "无检验记录" : "No inspection on record")
        }
        body += "</dl></section>"
        if let site = t.siteID { body += FeedbackPages.section(site: site, ticket: t.code, language: language) }
        body += "<footer>\(zh ? "如对快检结果有异议，可在购买后 4 小时内向市场管理处申请复检。" : "You may contest a rapid-test result at the market office within 4 hours of purchase.")</footer>"
        return PageStyle.page(title: zh ? "食品追溯 · \(t.item)" : "Traceability · \(t.item)", language: language, body: body)
    }

    static func notGenuine(language: PageLanguage) -> String {
        let zh = language == .zh
        let body = """
            <h1>\(zh ? "食品追溯" : "Food traceability")</h1>\
            <p><span class="badge forged">✗ \(zh ? "非正品溯源码" : "Not a genuine code")</span></p>\
            <div class="alert" role="alert">\(zh ? "未找到该溯源码。它可能被篡改、抄错或伪造。请向摊位或市场管理处核实，或拨打 12315 投诉举报。" : "This code is not on record. It may have been altered, mistyped or forged. Check with the stall or the market office, or call 12315.")</div>
            """
        return PageStyle.page(title: zh ? "非正品溯源码" : "Not a genuine code", language: language, body: body)
    }

    private static func row(_ label: String, _ value: String) -> String {
        "<dt>\(HTML.escape(label))</dt><dd>\(HTML.escape(value))</dd>"
    }

    static func yuan(_ fen: Int) -> String { ReceiptFormat.yuan(fen: fen) }
    static func kilograms(_ grams: Int) -> String { ReceiptFormat.kilograms(grams: grams) }

    /// Markets are in China: times are shown in Beijing time, to the minute.
    static func localTime(_ ms: EpochMillis) -> String {
        String(ReceiptFormat.shanghaiTime(Date(timeIntervalSince1970: Double(ms) / 1000)).prefix(16))
    }
}
