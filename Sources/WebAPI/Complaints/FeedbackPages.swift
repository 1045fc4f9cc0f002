import Foundation
import KitchenModel
import StorageModel

/// The public side of ratings and complaints, with no script at all (the public pages' CSP
/// allows none): plain forms that post and pages that answer. One column, 375 px first.
enum FeedbackPages {
    /// The section the kitchen page and the ticket page end with: rate, complain, follow a case.
    static func section(site: SiteID, ticket: String?, language: PageLanguage) -> String {
        let zh = language == .zh
        // A ticket page is a market's: its stall holders are rated and reported through the market.
        let place = ticket == nil ? (zh ? "评价这家厨房" : "Rate this kitchen") : (zh ? "评价本市场" : "Rate this market")
        let base = "/k/\(site.rawValue)"
        let hidden = ticket.map { "<input type=\"hidden\" name=\"ticket\" value=\"\(HTML.escape($0))\">" } ?? ""
        func faces(_ name: String, _ legend: String) -> String {
            let choices = [("3", zh ? "满意" : "Good"), ("2", zh ? "一般" : "OK"), ("1", zh ? "不满意" : "Poor")]
            return "<fieldset class=\"faces\"><legend>\(legend)</legend>" + choices.map { value, label in
                "<label><input type=\"radio\" name=\"\(name)\" value=\"\(value)\" required>\(face(value))\(label)</label>"
            }.joined() + "</fieldset>"
        }
        var html = "<style>\(css)</style>"
        html += "<h2 id=\"rate\">\(place)</h2><section class=\"card\">"
        html += "<form class=\"feedback\" method=\"post\" action=\"\(base)/ratings\">\(hidden)"
        html += faces("food", zh ? "菜品质量" : "Food quality") + faces("hygiene", zh ? "环境卫生" : "Hygiene")
        html += "<button class=\"primary\" type=\"submit\">\(zh ? "提交评价" : "Send rating")</button></form></section>"

        html += "<h2 id=\"report\">\(zh ? "投诉举报" : "Complaint or tip-off")</h2><section class=\"card\">"
        html += "<form class=\"feedback\" method=\"post\" action=\"\(base)/complaints\" enctype=\"multipart/form-data\">\(hidden)"
        html += "<fieldset><legend>\(zh ? "类型" : "Kind")</legend>"
        html += "<label><input type=\"radio\" name=\"kind\" value=\"complaint\" required checked> \(zh ? "投诉：我遇到的问题，请求处理" : "Complaint: a problem I had, please deal with it")</label>"
        html += "<label><input type=\"radio\" name=\"kind\" value=\"tipoff\"> \(zh ? "举报：反映违法违规行为" : "Tip-off: report a violation")</label></fieldset>"
        html += "<label for=\"fb-text\">\(zh ? "情况说明" : "What happened")</label>"
        html += "<textarea id=\"fb-text\" name=\"text\" rows=\"5\" required minlength=\"\(FeedbackDesk.minTextCharacters)\" maxlength=\"\(FeedbackDesk.maxTextCharacters)\"></textarea>"
        html += "<label for=\"fb-photo\">\(zh ? "照片（可选，最多 3 张 JPG，每张不超过 4 MB）" : "Photos (optional, up to 3 JPEGs of 4 MB each)")</label>"
        html += "<input id=\"fb-photo\" type=\"file\" name=\"photo\" accept=\"image/jpeg\" multiple>"
        html += "<label for=\"fb-contact\">\(zh ? "联系电话（可选，仅监管部门可见）" : "Phone (optional, seen by the regulator only)")</label>"
        html += "<input id=\"fb-contact\" type=\"tel\" name=\"contact\" maxlength=\"\(FeedbackDesk.maxContactCharacters)\" autocomplete=\"tel\">"
        html += "<button class=\"primary\" type=\"submit\">\(zh ? "提交" : "Send")</button></form>"
        html += "<p class=\"muted\">\(zh ? "提交后会得到受理编号，凭编号可随时查询办理进度。投诉在 7 个工作日内决定是否受理，举报在 15 个工作日内核查。" : "You get a receipt code to follow the case. A complaint is accepted or refused within 7 working days; a tip-off is checked within 15.")</p>"
        html += "<form class=\"follow\" method=\"get\" action=\"/c\"><label for=\"fb-receipt\">\(zh ? "查询进度" : "Follow a case")</label>"
        html += "<input id=\"fb-receipt\" type=\"text\" name=\"r\" required maxlength=\"20\" autocomplete=\"off\" placeholder=\"\(zh ? "受理编号" : "Receipt code")\">"
        html += "<button type=\"submit\">\(zh ? "查询" : "Look up")</button></form></section>"
        return html
    }

    /// A smiley drawn inline (phones' emoji fonts differ, and some lack these faces): a smile,
    /// a flat mouth or a frown for 3, 2, 1.
    static func face(_ value: String) -> String {
        let mouth = switch value {
        case "3": "M11 20q7 7 14 0"
        case "2": "M12 22h12"
        default: "M11 25q7-7 14 0"
        }
        return "<svg class=\"face\" viewBox=\"0 0 36 36\" width=\"40\" height=\"40\" aria-hidden=\"true\">"
            + "<circle cx=\"18\" cy=\"18\" r=\"16\" fill=\"#ffd766\" stroke=\"#b58400\" stroke-width=\"1.5\"/>"
            + "<circle cx=\"12.5\" cy=\"14\" r=\"2\" fill=\"#3d2c00\"/><circle cx=\"23.5\" cy=\"14\" r=\"2\" fill=\"#3d2c00\"/>"
            + "<path d=\"\(mouth)\" fill=\"none\" stroke=\"#3d2c00\" stroke-width=\"2\" stroke-linecap=\"round\"/></svg>"
    }

    static let css = """
        form.feedback{display:grid;gap:.6rem}form.feedback fieldset{border:0;margin:0;padding:0}form.feedback legend{font-weight:600;margin-bottom:.3rem}
        .faces{display:grid;grid-template-columns:repeat(3,1fr);gap:.4rem}.faces label{display:flex;flex-direction:column;align-items:center;border:1px solid var(--line);border-radius:10px;padding:.4rem 0;cursor:pointer}
        .faces svg{margin:.15rem 0}.faces input{margin:0 0 .2rem}.faces label:has(input:checked){border-color:var(--ink);background:#fff8c5}
        form.feedback fieldset:not(.faces) label{display:block;padding:.25rem 0}
        form.feedback textarea,form.feedback input[type=tel],form.follow input[type=text]{width:100%;padding:.5rem;border:1px solid var(--line);border-radius:8px;font:inherit}
        form.feedback input[type=file]{max-width:100%}form.feedback button{justify-self:start;min-height:2.75rem}
        form.follow{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}form.follow label{width:100%;font-weight:600}form.follow input{flex:1 1 10rem}
        p.receipt{font:700 1.6rem/1.3 ui-monospace,monospace;letter-spacing:.05em;margin:0 0 .75rem}
        """

    // MARK: answers

    static func thanks(site: SiteConfig, language: PageLanguage) -> String {
        let zh = language == .zh
        let body = "<h1>\(zh ? "谢谢您的评价" : "Thank you for rating")</h1><section class=\"card\"><p>\(HTML.escape(site.name))</p>"
            + "<p><a href=\"/k/\(site.id.rawValue)\">\(zh ? "返回厨房页面" : "Back to the kitchen")</a></p></section>"
        return PageStyle.page(title: zh ? "谢谢评价" : "Thank you", language: language, body: body)
    }

    static func refused(_ refusal: FeedbackRefusal, site: SiteID?, language: PageLanguage) -> String {
        let zh = language == .zh
        var body = "<h1>\(zh ? "未能提交" : "Not sent")</h1><div class=\"alert\" role=\"alert\">\(HTML.escape(zh ? refusal.zh : refusal.en))</div>"
        if let site { body += "<p><a href=\"/k/\(site.rawValue)#report\">\(zh ? "返回修改" : "Back to the form")</a></p>" }
        return PageStyle.page(title: zh ? "未能提交" : "Not sent", language: language, body: body)
    }

    /// The case as the complainant follows it: its code, kind, kitchen, dates, state and the
    /// regulator's reply; never the text, the contact, the photos or who acted.
    static func status(_ c: ComplaintRecord, steps: [ComplaintStep], siteName: String, isNew: Bool, language: PageLanguage,
                       now: EpochMillis) -> String {
        let zh = language == .zh
        let what = c.kind == .complaint ? (zh ? "投诉" : "Complaint") : (zh ? "举报" : "Tip-off")
        var body = "<style>\(css)</style><h1>\(zh ? "投诉举报进度" : "Case progress")</h1>"
        if isNew {
            body += "<p class=\"pass\">\(zh ? "已收到。请保存受理编号（可截图），凭编号查询进度。" : "Received. Keep this receipt code (a screenshot will do) to follow the case.")</p>"
        }
        body += "<section class=\"card\"><p class=\"muted\">\(zh ? "受理编号" : "Receipt code")</p>"
            + "<p class=\"receipt\">\(FeedbackDesk.display(receipt: c.receipt))</p><dl>"
        body += row(zh ? "类型" : "Kind", what)
        body += row(zh ? "厨房" : "Kitchen", siteName)
        body += row(zh ? "提交时间" : "Received", TicketPage.localTime(c.receivedAt))
        body += row(zh ? "状态" : "State", state(c, zh: zh))
        if c.state.isOpen {
            if c.state == .received, let due = c.decideBy { body += row(zh ? "受理决定期限" : "Decision due", TicketPage.localTime(due - 60_000)) }
            if let due = c.closeBy { body += row(zh ? (c.kind == .tipoff ? "核查期限" : "办结期限") : "Due", TicketPage.localTime(due - 60_000)) }
            if c.escalated != nil { body += "<dt>\(zh ? "督办" : "Escalated")</dt><dd class=\"overdue\">\(zh ? "已超期，已提级督办" : "Overdue: escalated to the level above")</dd>" }
        }
        if let reply = c.reply { body += row(zh ? "处理答复" : "Reply", reply) }
        body += "</dl></section><h2>\(zh ? "办理记录" : "Steps")</h2><section class=\"card\"><ol class=\"timeline\">"
        for step in steps {
            body += "<li>\(HTML.escape(TicketPage.localTime(step.at))) · \(HTML.escape(stepName(step.kind, zh: zh)))</li>"
        }
        body += "</ol></section><footer>\(zh ? "如有疑问，可拨打 12315。" : "Questions: call 12315.") · \(HTML.escape(TicketPage.localTime(now)))</footer>"
        return PageStyle.page(title: zh ? "投诉举报进度" : "Case progress", language: language, body: body)
    }

    static func unknownReceipt(language: PageLanguage) -> String {
        let zh = language == .zh
        let body = "<h1>\(zh ? "投诉举报进度" : "Case progress")</h1><div class=\"alert\" role=\"alert\">"
            + "\(zh ? "未找到该受理编号，请核对后重试（编号为 12 位字母和数字）。" : "No case has this receipt code; check it and try again (12 letters and digits).")</div>"
        return PageStyle.page(title: zh ? "未找到" : "Not found", language: language, body: body)
    }

    static func state(_ c: ComplaintRecord, zh: Bool) -> String {
        switch c.state {
        case .received: zh ? "已收到，待受理" : "Received, awaiting a decision"
        case .accepted: zh ? "已受理，办理中" : "Accepted, being dealt with"
        case .refused: zh ? "不予受理" : "Refused"
        case .closed: zh ? "已办结（\(c.upheld == true ? "成立" : "不成立")）" : "Closed (\(c.upheld == true ? "upheld" : "not upheld"))"
        }
    }

    static func stepName(_ kind: String, zh: Bool) -> String {
        switch kind {
        case "received": zh ? "收到" : "received"
        case "accepted": zh ? "受理" : "accepted"
        case "refused": zh ? "不予受理" : "refused"
        case "closed": zh ? "办结" : "closed"
        case "escalated": zh ? "超期，提级督办" : "overdue, escalated"
        default: kind
        }
    }

    private static func row(_ label: String, _ value: String) -> String {
        "<dt>\(HTML.escape(label))</dt><dd>\(HTML.escape(value))</dd>"
    }
}
