import Foundation
import Hummingbird
import KitchenModel
import KitchenRules

/// What every dashboard page shares: the language, links that keep an explicit `?lang=`, times
/// in Beijing time, the traffic light, and the document frame around `<main>`.
struct PageKit {
    let language: PageLanguage
    /// The language came from `?lang=`: links carry it on.
    let explicitLanguage: Bool
    /// The CSRF token for the page's forms (nil without a session).
    var csrf: String?

    var zh: Bool { language == .zh }

    func t(_ chinese: String, _ english: String) -> String { zh ? chinese : english }

    func link(_ path: String) -> String {
        explicitLanguage ? path + (path.contains("?") ? "&" : "?") + "lang=\(language.rawValue)" : path
    }

    func time(_ ms: EpochMillis) -> String { TicketPage.localTime(ms) }

    /// How old a timestamp is, in the largest whole unit.
    func ago(_ ms: EpochMillis?, now: EpochMillis) -> String {
        guard let ms else { return t("从未", "never") }
        let seconds = max(0, (now - ms) / 1000)
        switch seconds {
        case ..<60: return t("刚刚", "just now")
        case ..<3600: return t("\(seconds / 60) 分钟前", "\(seconds / 60) min ago")
        case ..<86_400: return t("\(seconds / 3600) 小时前", "\(seconds / 3600) h ago")
        default: return t("\(seconds / 86_400) 天前", "\(seconds / 86_400) d ago")
        }
    }

    func light(_ status: SiteStatus) -> String {
        let name = switch status {
        case .red: t("红", "red")
        case .yellow: t("黄", "yellow")
        case .green: t("绿", "green")
        }
        return "<span class=\"light \(status.rawValue)\" role=\"img\" aria-label=\"\(name)\" title=\"\(name)\"></span>"
    }

    func alarmTitle(_ kind: AlarmKind) -> String { zh ? kind.titleZH : kind.titleEN }

    func alarmState(_ state: String) -> String {
        switch state {
        case "raised": t("待处理", "raised")
        case "acknowledged": t("已确认", "acknowledged")
        case "rectified": t("已整改", "rectified")
        case "closed": t("已关闭", "closed")
        default: HTML.escape(state)
        }
    }

    func card(_ card: Card) -> String {
        switch card {
        case .none: ""
        case .yellow: " · <span class=\"fail\">\(t("黄牌", "yellow card"))</span>"
        case .red: " · <span class=\"fail\">\(t("红牌", "red card"))</span>"
        }
    }

    /// A hidden CSRF field for a form on this page.
    var csrfField: String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape(csrf ?? ""))\">"
    }

    /// The whole document: a bar with where-am-I links, language switch and logout, then `<main>`.
    func document(title: String, crumbs: [(label: String, href: String?)], body: String, signedIn: Bool) -> String {
        let home: [(label: String, href: String?)] = [(label: "BrightKitchen", href: signedIn ? "/dashboard" : nil)]
        let trail = (home + crumbs).map { crumb in
            crumb.href.map { "<a href=\"\(HTML.escape(link($0)))\">\(HTML.escape(crumb.label))</a>" } ?? HTML.escape(crumb.label)
        }.joined(separator: " › ")
        var tools = zh ? "<a href=\"?lang=en\" hreflang=\"en\">English</a>" : "<a href=\"?lang=zh\" hreflang=\"zh\">中文</a>"
        if signedIn {
            tools += "<a href=\"\(HTML.escape(link("/dashboard/complaints")))\">\(t("投诉举报", "Complaints"))</a>"
            tools += "<form method=\"post\" action=\"/logout\">\(csrfField)<button type=\"submit\">\(t("退出", "Log out"))</button></form>"
        }
        return """
            <!doctype html><html lang="\(zh ? "zh-CN" : "en")"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width,initial-scale=1"><title>\(HTML.escape(title))</title>\
            <style>\(PageStyle.css)</style>\(signedIn ? "<script src=\"\(LiveRefresh.path)\" defer></script>" : "")</head>\
            <body><header class="bar"><nav class="crumbs">\(trail)</nav><span class="tools">\(tools)</span></header>\
            <main class="wide" data-stamp="\(Self.stamp(body))">\(body)</main></body></html>
            """
    }

    /// A fingerprint of a page's `<main>` content (FNV-1a, stable across processes).
    static func stamp(_ body: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}

extension PageKit {
    /// The one way pages get their kit: language from `?lang=` or `Accept-Language`, and the
    /// session's CSRF token when there is a session (every signed-in page has the logout form).
    init(_ request: Request) {
        self.init(language: PageLanguage.of(request),
                  explicitLanguage: request.uri.queryParameters.get("lang") != nil,
                  csrf: DashboardSession.id(from: request).map(DashboardSession.csrfToken(for:)))
    }
}
