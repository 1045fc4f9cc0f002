import Foundation
import Hummingbird
import KitchenModel
import StorageModel

/// The dashboard's complaint pages, behind the session cookie and the API's scope rules:
/// `/dashboard/complaints` (open ones first, overdue marked), `/dashboard/complaints/{id}` with
/// the text, photos, trail and the regulator's forms, their posts, and the photos.
struct ComplaintDashboard {
    let routes: ComplaintRoutes
    var dependencies: APIDependencies { routes.dependencies }

    struct ActionForm: Decodable {
        var csrf: String?
        var by: String?
        var reply: String?
        var upheld: String?
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/dashboard/complaints") { request, context in
            let principal = try context.requirePrincipal()
            let rows = try dependencies.store.complaints(try ComplaintRoutes.query(request.uri.queryParameters, principal: principal))
                .filter { ComplaintRoutes.visible($0, to: principal) }
            let kit = PageKit(request)
            return respond(request, kit, title: kit.t("投诉举报", "Complaints"), body: list(rows, kit: kit))
        }
        group.get("/dashboard/complaints/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let complaint = try routes.visibleComplaint(context.parameters.require("id"), principal)
            let kit = PageKit(request)
            let body = detail(complaint, steps: try dependencies.store.complaintSteps(of: complaint.id), principal: principal, kit: kit)
            return respond(request, kit, title: kit.t("投诉举报", "Complaint"), body: body)
        }
        group.get("/dashboard/complaints/{id}/photos/{n}") { _, context in
            try routes.photo(context.parameters.require("id"), context.parameters.require("n"), context.requirePrincipal())
        }
        for action in ComplaintAction.allCases {
            group.post("/dashboard/complaints/{id}/\(action.rawValue)") { request, context in
                let principal = try context.requirePrincipal()
                let form = try await DashboardForm.decode(ActionForm.self, from: request, context: context)
                guard let session = DashboardSession.id(from: request), DashboardSession.csrfMatches(form.csrf, session: session) else {
                    throw APIError.forbidden("this form is not from this session's page; reload the page and try again")
                }
                let complaint = try routes.visibleComplaint(context.parameters.require("id"), principal)
                let upheld: Bool? = switch form.upheld { case "true": true; case "false": false; default: nil }
                _ = try routes.perform(action, on: complaint, by: principal,
                                       body: .init(by: form.by, reply: form.reply, upheld: upheld))
                return PageResponse.redirect(PageKit(request).link("/dashboard/complaints/\(complaint.id)"))
            }
        }
    }

    /// The whole page, or only its `<main>` for the live refresh script (a new complaint appears
    /// on an open list without a reload).
    private func respond(_ request: Request, _ kit: PageKit, title: String, body: String) -> Response {
        guard request.headers[PageResponse.fragmentHeader] == nil else {
            var response = PageResponse.html(body)
            response.headers[PageResponse.stampHeader] = PageKit.stamp(body)
            return response
        }
        return PageResponse.html(kit.document(title: title, crumbs: [(kit.t("投诉举报", "Complaints"), "/dashboard/complaints")],
                                              body: body, signedIn: true))
    }

    private func list(_ rows: [ComplaintRecord], kit: PageKit) -> String {
        let now = dependencies.clock.now()
        var body = "<h1>\(kit.t("投诉举报", "Complaints and tip-offs"))</h1>"
        guard !rows.isEmpty else { return body + "<p class=\"muted\">\(kit.t("暂无", "None"))</p>" }
        let ordered = rows.filter { $0.state.isOpen } + rows.filter { !$0.state.isOpen }
        body += "<div class=\"grid\">"
        for c in ordered {
            body += "<section class=\"card\"><h3><a href=\"\(HTML.escape(kit.link("/dashboard/complaints/\(c.id)")))\">"
            body += "\(kit.t(c.kind == .complaint ? "投诉" : "举报", c.kind == .complaint ? "Complaint" : "Tip-off")) · "
            body += "\(HTML.escape(dependencies.sites.site(c.site)?.name ?? c.site.rawValue))</a></h3>"
            body += "<p>\(HTML.escape(String(c.text.prefix(80))))</p>" + figures(c, kit: kit, now: now) + "</section>"
        }
        return body + "</div>"
    }

    private func figures(_ c: ComplaintRecord, kit: PageKit, now: EpochMillis) -> String {
        var out = "<ul class=\"figures\"><li>\(kit.t("状态", "State")) <b>\(HTML.escape(FeedbackPages.state(c, zh: kit.zh)))</b></li>"
        out += "<li>\(kit.t("收到", "Received")) \(kit.time(c.receivedAt))</li>"
        if c.state == .received, let due = c.decideBy {
            out += "<li\(due < now ? " class=\"overdue\"" : "")>\(kit.t("受理决定期限", "Decide by")) \(kit.time(due - 60_000))</li>"
        }
        if c.state.isOpen, let due = c.closeBy {
            out += "<li\(due < now ? " class=\"overdue\"" : "")>\(kit.t("办结期限", "Close by")) \(kit.time(due - 60_000))</li>"
        }
        if c.state.isOpen, c.escalated != nil { out += "<li class=\"overdue\">\(kit.t("已超期督办", "overdue, escalated"))</li>" }
        return out + "</ul>"
    }

    private func detail(_ c: ComplaintRecord, steps: [ComplaintStep], principal: Principal, kit: PageKit) -> String {
        let now = dependencies.clock.now()
        let siteName = dependencies.sites.site(c.site)?.name ?? c.site.rawValue
        var body = "<h1>\(kit.t(c.kind == .complaint ? "投诉" : "举报", c.kind == .complaint ? "Complaint" : "Tip-off")) · \(HTML.escape(siteName))</h1>"
        body += "<section class=\"card\"><p class=\"muted\">\(HTML.escape(c.id))</p>"
        body += "<p style=\"white-space:pre-wrap\">\(HTML.escape(c.text))</p>" + figures(c, kit: kit, now: now)
        if principal.role != .site, let contact = c.contact { body += "<p>\(kit.t("联系电话", "Phone"))：\(HTML.escape(contact))</p>" }
        if let reply = c.reply { body += "<p>\(kit.t("答复", "Reply"))：\(HTML.escape(reply))</p>" }
        if c.photoCount > 0 {
            body += "<div class=\"thumbs\">"
            for n in 1...c.photoCount {
                let src = kit.link("/dashboard/complaints/\(c.id)/photos/\(n)")
                body += "<a href=\"\(HTML.escape(src))\"><img src=\"\(HTML.escape(src))\" alt=\"\(kit.t("照片", "Photo")) \(n)\"></a>"
            }
            body += "</div>"
        }
        body += actions(c, principal: principal, kit: kit) + "</section>"
        body += "<h2>\(kit.t("办理记录", "Trail"))</h2><ol class=\"timeline\">"
        for step in steps {
            body += "<li><b>\(HTML.escape(FeedbackPages.stepName(step.kind, zh: kit.zh)))</b> <span class=\"muted\">\(kit.time(step.at))</span>"
            body += " · \(step.actor.map(HTML.escape) ?? kit.t("系统", "system"))"
            if let note = step.note, !note.isEmpty { body += "<br>\(HTML.escape(note))" }
            body += "</li>"
        }
        return body + "</ol>"
    }

    /// The steps open to a regulator now: accept or refuse a received complaint, close an
    /// accepted complaint or a tip-off.
    private func actions(_ c: ComplaintRecord, principal: Principal, kit: PageKit) -> String {
        guard principal.role != .site, c.state.isOpen else { return "" }
        let base = "/dashboard/complaints/\(c.id)/"
        let name = "<input type=\"text\" name=\"by\" maxlength=\"64\" placeholder=\"\(kit.t("经办人", "Your name"))\" aria-label=\"\(kit.t("经办人", "Your name"))\">"
        func reply(_ placeholder: String, required: Bool) -> String {
            "<input type=\"text\" name=\"reply\" maxlength=\"\(FeedbackDesk.maxReplyCharacters)\"\(required ? " required" : "") placeholder=\"\(placeholder)\" aria-label=\"\(placeholder)\">"
        }
        func form(_ action: ComplaintAction, _ fields: String, _ button: String) -> String {
            "<form class=\"action\" method=\"post\" action=\"\(HTML.escape(kit.link(base + action.rawValue)))\">\(kit.csrfField)"
                + fields + "<button class=\"primary\" type=\"submit\">\(button)</button></form>"
        }
        var out = ""
        if c.kind == .complaint && c.state == .received {
            out += form(.accept, name + reply(kit.t("受理说明（可选）", "Note (optional)"), required: false), kit.t("受理", "Accept"))
            out += form(.refuse, name + reply(kit.t("不予受理的理由（投诉人可见）", "Reason (the complainant reads it)"), required: true),
                        kit.t("不予受理", "Refuse"))
        } else {
            let upheld = "<label><input type=\"radio\" name=\"upheld\" value=\"true\" required> \(kit.t("成立", "Upheld"))</label>"
                + "<label><input type=\"radio\" name=\"upheld\" value=\"false\"> \(kit.t("不成立", "Not upheld"))</label>"
            out += form(.close, name + reply(kit.t("办结答复（投诉人可见）", "Reply (the complainant reads it)"), required: true) + upheld,
                        kit.t("办结", "Close"))
        }
        return out
    }
}
