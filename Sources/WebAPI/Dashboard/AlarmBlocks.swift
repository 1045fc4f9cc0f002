import Foundation
import KitchenModel
import KitchenRules
import StorageModel

/// Pieces of alarm markup the site page and the alarm page share: the one-line summary, the
/// action forms of the closed loop, and evidence thumbnails.
enum AlarmBlocks {
    static func summary(_ r: AlarmRecord, kit: PageKit, now: EpochMillis, linked: Bool) -> String {
        let title = HTML.escape(kit.alarmTitle(r.kind)) + (r.label.map { " · " + HTML.escape($0) } ?? "")
        var out = linked ? "<h3><a href=\"\(HTML.escape(kit.link("/dashboard/alarms/\(r.id)")))\">\(title)</a></h3>" : ""
        out += "<p>\(HTML.escape(kit.zh ? r.detail.message : r.detail.messageEN))</p><ul class=\"figures\">"
        out += "<li>\(HTML.escape(r.device.device.rawValue))</li>"
        if let riskClass = r.riskClass { out += "<li>\(kit.t("\(riskClass.rawValue) 类", "class \(riskClass.rawValue)"))</li>" }
        out += "<li>\(kit.t("状态", "State")) <b>\(kit.alarmState(r.state.rawValue))</b>\(kit.card(r.card))</li>"
        out += "<li>\(kit.t("发生于", "Raised")) \(kit.time(r.raisedAt)) (\(kit.ago(r.raisedAt, now: now)))</li>"
        if let deadline = r.deadline {
            out += "<li\(AlarmDeadlines.isOverdue(r, now: now) ? " class=\"overdue\"" : "")>\(kit.t("整改期限", "Rectify by")) \(kit.time(deadline))</li>"
        }
        return out + "</ul>"
    }

    /// The steps this principal may take now: acknowledge a raised alarm, rectify a raised or
    /// acknowledged one, and (regulators, admins) close a rectified violation.
    static func actions(_ r: AlarmRecord, principal: Principal, kit: PageKit) -> String {
        let base = "/dashboard/alarms/\(r.id)/"
        func form(_ action: String, fields: String, button: String) -> String {
            "<form class=\"action\" method=\"post\" action=\"\(HTML.escape(kit.link(base + action)))\">\(kit.csrfField)"
                + fields + "<button class=\"primary\" type=\"submit\">\(button)</button></form>"
        }
        let name = "<input type=\"text\" name=\"by\" maxlength=\"64\" placeholder=\"\(kit.t("姓名", "Your name"))\" aria-label=\"\(kit.t("姓名", "Your name"))\">"
        var out = ""
        if r.state == .raised {
            out += form("ack", fields: name, button: kit.t("确认", "Acknowledge"))
        }
        if r.state == .raised || r.state == .acknowledged {
            out += form("rectify", fields: name + "<input type=\"text\" name=\"action\" required maxlength=\"500\" placeholder=\"\(kit.t("整改措施", "Corrective action"))\" aria-label=\"\(kit.t("整改措施", "Corrective action"))\">",
                        button: kit.t("整改", "Rectify"))
        }
        if r.isOpen, r.kind.category == .violation {
            // 一键喊话: the label's prerecorded warning on the camera's speaker (VoiceRoutes).
            out += form("voice", fields: name, button: kit.t("一键喊话", "Voice warning"))
        }
        if r.state == .rectified, r.kind.category == .violation, AlarmPermissions.mayClose(principal) {
            out += form("close", fields: name + "<input type=\"text\" name=\"note\" maxlength=\"500\" placeholder=\"\(kit.t("备注", "Note"))\" aria-label=\"\(kit.t("备注", "Note"))\">",
                        button: kit.t("关闭", "Close"))
        }
        return out
    }

    static func thumbnails(_ evidence: [EvidenceSummary], kit: PageKit) -> String {
        guard !evidence.isEmpty else { return "<p class=\"muted\">\(kit.t("暂无图片证据。", "No pictures."))</p>" }
        var out = "<div class=\"thumbs\">"
        for e in evidence {
            let caption = "\(e.camera.device.rawValue) · \(e.label) · \(kit.time(e.at))"
            out += "<a href=\"/dashboard/evidence/\(e.id)/original.jpg\"><img src=\"/dashboard/evidence/\(e.id)/thumbnail.jpg\""
            out += " width=\"\(e.thumbnailWidth)\" height=\"\(e.thumbnailHeight)\" alt=\"\(HTML.escape(caption))\" title=\"\(HTML.escape(caption))\"></a>"
        }
        return out + "</div>"
    }
}
