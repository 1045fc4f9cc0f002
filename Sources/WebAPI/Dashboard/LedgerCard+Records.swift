import KitchenModel
import Ledgers
import Reports

/// The 今日台账 card's lines for 陪餐, 进货查验 and 令60's records: done, reminded, overdue.
extension LedgerCard {
    static func records(_ sheet: DailyLedgerSheet, kit: PageKit) -> String {
        let r = sheet.records
        var body = ""
        if let duties = r.duties {
            for d in duties.duties {
                let name = kit.t(d.duty.titleZH, d.duty.rawValue)
                let state = d.done ? kit.t("已完成", "done")
                    : d.reminder ? "<b>\(kit.t("待完成（提醒）", "due (reminder)"))</b>" : kit.t("未到期", "not due yet")
                body += "<p class=\"duty\" data-duty=\"\(d.duty.rawValue)\">\(name) \(HTML.escape(d.period.description))：\(state)"
                if let missed = d.overdue {
                    body += " · <b>\(kit.t("上期 \(missed) 未完成，已报监管", "\(missed) missed: reported to the regulator"))</b>"
                }
                body += "</p>"
            }
            if !duties.meals.isEmpty {
                let late = duties.meals.filter(\.reminder).map(\.label)
                body += "<p>\(kit.t("陪餐", "Accompanied meals")) <b>\(duties.meals.filter(\.done).count) / \(duties.meals.count)</b>"
                body += late.isEmpty ? "" : " · <b>\(kit.t("未陪餐：", "no escort: "))\(HTML.escape(late.joined(separator: "、")))</b>"
                body += "</p>"
            }
        }
        body += "<p>\(kit.t("进货查验", "Purchase inspections")) \(r.purchases.count)"
        let rejected = r.purchases.filter { !$0.purchase.accepted }.count
        if rejected > 0 { body += " · \(kit.t("拒收", "rejected")) \(rejected)" }
        return body + "</p>"
    }
}
