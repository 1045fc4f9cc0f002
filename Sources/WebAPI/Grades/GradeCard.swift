import KitchenRules
import Reports

/// The grade on a site's dashboard page and the month's 红黑榜 on a region's page.
enum GradeCard {
    /// What each rule of the grade table is called on a page (docs/rules.md, "Grades").
    static func ruleName(_ rule: String, kit: PageKit) -> String {
        switch rule {
        case "class1_violations": kit.t("一类违规", "Class-1 violations")
        case "class2_violations": kit.t("二类违规", "Class-2 violations")
        case "class3_violations": kit.t("三类违规", "Class-3 violations")
        case "yellow_cards": kit.t("黄牌（逾期）", "Yellow cards (overdue)")
        case "red_cards": kit.t("红牌", "Red cards")
        case "temperature_excursions": kit.t("温度超限", "Temperature excursions")
        case "ledger_missed_days": kit.t("台账缺失天数", "Days with a missing ledger")
        case "upheld_complaints": kit.t("属实投诉", "Upheld complaints")
        case "ratings": kit.t("消费者评价", "Consumer ratings")
        case "risk_d": kit.t("风险等级 D", "Risk grade D")
        case "key_items": kit.t("两项及以上关键项不合格", "Two or more key items failed")
        case "low_score": kit.t("得分低于 60", "Score below 60")
        default: HTML.escape(rule)
        }
    }

    static func render(_ listing: GradeListing?, kit: PageKit) -> String {
        var body = "<h2>\(kit.t("量化分级", "Grade"))</h2><section class=\"card grade\">"
        guard let g = listing else {
            return body + "<p class=\"muted\">\(kit.t("尚未评级：每晚 2 点后评定前一天。", "Not graded yet: each night after 02:00 the day before is graded."))</p></section>"
        }
        body += "<p class=\"reading\">\(g.smiley.face) \(kit.t(g.smileyZH, g.smiley.rawValue)) · \(g.score) \(kit.t("分", "points"))</p>"
        body += "<p>\(kit.t("风险等级", "Risk grade")) <b>\(g.risk.rawValue)</b> · \(kit.t("每年检查", "inspections a year")) \(g.inspectionsPerYear)"
        body += " <span class=\"muted\">\(HTML.escape(g.day))</span></p>"
        if !g.deductions.isEmpty {
            body += "<ul>" + g.deductions.map { "<li>\(ruleName($0.rule, kit: kit)) −\($0.points)</li>" }.joined() + "</ul>"
        }
        if !g.failedKeyItems.isEmpty {
            body += "<p><b>\(kit.t("关键项不合格：", "Key items failed: "))</b>"
                + g.failedKeyItems.map { ruleName($0, kit: kit) }.joined(separator: "、") + "</p>"
        }
        return body + "</section>"
    }

    static func lists(_ lists: RegionLists, kit: PageKit) -> String {
        var body = "<h2>\(kit.t("红黑榜", "Red and black lists")) · \(HTML.escape(lists.month))</h2><div class=\"grid\">"
        for (title, lines) in [(kit.t("红榜", "Red list"), lists.red), (kit.t("黑榜", "Black list"), lists.black)] {
            body += "<section class=\"card\"><h3>\(title) (\(lines.count))</h3>"
            if lines.isEmpty { body += "<p class=\"muted\">\(kit.t("无", "None"))</p>" }
            body += "<ol>" + lines.prefix(20).map { line in
                "<li><a href=\"\(HTML.escape(kit.link("/dashboard/sites/\(line.site)")))\">\(HTML.escape(line.name))</a> "
                    + "<span class=\"muted\">\(line.meanScore) · \(line.worstRisk.rawValue)"
                    + (line.reasons.isEmpty ? "" : " · " + line.reasons.map { ruleName($0, kit: kit) }.joined(separator: "、"))
                    + "</span></li>"
            }.joined() + "</ol></section>"
        }
        return body + "</div>"
    }
}
