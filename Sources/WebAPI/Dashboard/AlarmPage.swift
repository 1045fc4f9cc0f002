import Foundation
import KitchenModel
import KitchenRules
import StorageModel

/// One alarm: what it is, its actions, and its audit trail (every transition with who and when).
enum AlarmPage {
    static func render(_ r: AlarmRecord, siteName: String, trail: [TransitionRow], evidence: [EvidenceSummary],
                       principal: Principal, kit: PageKit, now: EpochMillis) -> String {
        let title = kit.alarmTitle(r.kind) + (r.label.map { " · " + $0 } ?? "")
        var body = "<h1>\(HTML.escape(title))</h1><section class=\"card alarm\">"
        body += "<p><a href=\"\(HTML.escape(kit.link("/dashboard/sites/\(r.device.site.rawValue)")))\">\(HTML.escape(siteName))</a>"
        body += " <span class=\"muted\">\(HTML.escape(r.id))</span></p>"
        body += AlarmBlocks.summary(r, kit: kit, now: now, linked: false)
        if let action = r.rectifyAction {
            body += "<p>\(kit.t("整改措施", "Corrective action"))：\(HTML.escape(action))</p>"
        }
        body += AlarmBlocks.actions(r, principal: principal, kit: kit) + "</section>"

        body += "<h2>\(kit.t("处置记录", "Timeline"))</h2><ol class=\"timeline\">"
        for step in trail {
            body += "<li><b>\(transition(step.kind, kit: kit))</b> <span class=\"muted\">\(kit.time(step.at))</span>"
            body += " · \(step.actor.map(HTML.escape) ?? kit.t("系统", "system"))"
            if let note = step.note, !note.isEmpty { body += "<br>\(HTML.escape(note))" }
            body += "</li>"
        }
        body += "</ol><h2>\(kit.t("图片证据", "Evidence"))</h2>" + AlarmBlocks.thumbnails(evidence, kit: kit)
        return body
    }

    static func transition(_ kind: String, kit: PageKit) -> String {
        switch kind {
        case "raised": kit.t("报警", "raised")
        case "updated": kit.t("更新", "updated")
        case "cleared": kit.t("已恢复", "cleared")
        case "acknowledged": kit.t("确认", "acknowledged")
        case "rectified": kit.t("整改", "rectified")
        case "closed": kit.t("关闭", "closed")
        case "escalated_yellow": kit.t("升级为黄牌", "yellow card")
        case "escalated_red": kit.t("升级为红牌", "red card")
        case "renotified": kit.t("再次提醒", "reminder")
        case "overdue": kit.t("逾期", "overdue")
        case "voice_warning": kit.t("喊话", "voice warning")
        default: HTML.escape(kind)
        }
    }
}
