import Foundation
import Hummingbird
import KitchenModel
import Ledgers
import Reports

/// The site page's manual 晨检 form (docs/web.md "Manual morning check"): for a phone at the
/// kitchen door, large controls, one column at 375 px. It posts to
/// `/dashboard/sites/{id}/morning-checks` with the session's CSRF token; the gateway records the
/// check through ``MorningCheckDesk`` (the API's desk and rules) and sends the browser back to
/// the site page, which then names the check it recorded. A refusal is an error page naming why.
enum MorningCheckForm {
    /// The symptom checkboxes: form field `s-<symptom>` and its label.
    static let symptoms: [(symptom: String, zh: String, en: String)] = [
        ("fever", "发热", "fever"), ("diarrhoea", "腹泻", "diarrhoea"), ("vomiting", "呕吐", "vomiting"),
        ("sore-throat", "咽部炎症", "sore throat"), ("skin-wound", "皮肤伤口或感染", "skin wound or infection"),
    ]

    struct Fields: Decodable {
        var csrf: String?
        var worker: String?
        var temperature_c: String?
        var uniform_ok: String?
        var hygiene_ok: String?
        var checker: String?
        var remark: String?
        var symptoms: [String: String]

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            func text(_ key: String) throws -> String? { try c.decodeIfPresent(String.self, forKey: AnyKey(key)) }
            csrf = try text("csrf")
            worker = try text("worker")
            temperature_c = try text("temperature_c")
            uniform_ok = try text("uniform_ok")
            hygiene_ok = try text("hygiene_ok")
            checker = try text("checker")
            remark = try text("remark")
            var found: [String: String] = [:]
            for s in MorningCheckForm.symptoms { if let v = try text("s-" + s.symptom) { found[s.symptom] = v } }
            symptoms = found
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func render(_ sheet: DailyLedgerSheet, recorded: MorningCheckRecord?, kit: PageKit) -> String {
        let workers = sheet.lines.map(\.worker)
        guard !workers.isEmpty else { return "" }
        var out = "<h2 id=\"morning-check\">\(kit.t("手工晨检", "Manual morning check"))</h2><section class=\"card\">"
        if let r = recorded {
            let verdict = r.excluded ? kit.t("不得上岗", "excluded today") : kit.t("合格", "fit for work")
            out += "<p class=\"recorded\"><b>\(kit.t("已记录晨检：", "Morning check recorded: "))\(HTML.escape(r.name)) "
                + "\(String(format: "%.1f", r.check.temperatureC)) °C · \(verdict)</b></p>"
        }
        let action = HTML.escape(kit.link("/dashboard/sites/\(sheet.site.id.rawValue)/morning-checks"))
        out += "<form class=\"check\" method=\"post\" action=\"\(action)\">\(kit.csrfField)"
        out += "<label>\(kit.t("员工", "Worker")) <select name=\"worker\" required><option value=\"\">\(kit.t("选择员工", "Choose"))</option>"
        for w in workers {
            out += "<option value=\"\(HTML.escape(w.id))\">\(HTML.escape(w.name))（\(HTML.escape(w.id))）</option>"
        }
        out += "</select></label>"
        out += "<label>\(kit.t("体温 °C", "Temperature °C")) <input type=\"text\" name=\"temperature_c\" inputmode=\"decimal\" required "
            + "maxlength=\"5\" pattern=\"[0-9]{2}([.][0-9])?\" placeholder=\"36.5\" autocomplete=\"off\"></label>"
        out += "<label><input type=\"checkbox\" name=\"uniform_ok\" value=\"1\" checked> \(kit.t("工作衣帽整洁", "Uniform and hat worn"))</label>"
        out += "<label><input type=\"checkbox\" name=\"hygiene_ok\" value=\"1\" checked> \(kit.t("个人卫生合格（指甲、饰物、双手）", "Hygiene (nails, jewellery, hands)"))</label>"
        out += "<fieldset><legend>\(kit.t("症状", "Symptoms"))</legend>"
        for s in symptoms {
            out += "<label><input type=\"checkbox\" name=\"s-\(s.symptom)\" value=\"1\"> \(kit.t(s.zh, s.en))</label>"
        }
        out += "</fieldset>"
        out += "<label>\(kit.t("晨检人", "Checked by")) <input type=\"text\" name=\"checker\" maxlength=\"64\" required autocomplete=\"name\"></label>"
        out += "<label>\(kit.t("备注", "Remark")) <input type=\"text\" name=\"remark\" maxlength=\"200\"></label>"
        out += "<button class=\"primary\" type=\"submit\">\(kit.t("记录晨检", "Record check"))</button></form></section>"
        return out
    }

    /// `POST /dashboard/sites/{id}/morning-checks`.
    static func add(to group: RouterGroup<GatewayRequestContext>, dependencies: APIDependencies) {
        group.post("/dashboard/sites/{id}/morning-checks") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await DashboardForm.decode(Fields.self, from: request, context: context)
            guard let session = DashboardSession.id(from: request), DashboardSession.csrfMatches(form.csrf, session: session) else {
                throw APIError.forbidden("this form is not from this session's page; reload the page and try again")
            }
            let site = try LedgerRoutes(dependencies: dependencies).visibleSite(context)
            guard let worker = form.worker, !worker.isEmpty else { throw APIError.badRequest("choose a worker") }
            guard let text = form.temperature_c?.replacingOccurrences(of: "，", with: "."), let temperature = Double(text) else {
                throw APIError.badRequest("temperature must be a number such as 36.5")
            }
            let checker = (form.checker ?? "").trimmingCharacters(in: .whitespaces)
            try TypedText.check(checker, field: "checker", characters: 64)
            try TypedText.check(form.remark ?? "", field: "remark", characters: 200)
            let input = MorningCheckInput(worker: worker, at: dependencies.clock.now(), temperatureC: temperature,
                                          uniformOK: form.uniform_ok != nil, hygieneOK: form.hygiene_ok != nil,
                                          symptoms: symptoms.map { $0.symptom }.filter { form.symptoms[$0] != nil },
                                          checker: checker.isEmpty ? AlarmRoutes.actor(principal, named: nil) : checker,
                                          remark: form.remark ?? "")
            let desk = MorningCheckDesk(book: dependencies.ledgers, rules: dependencies.morningCheckRules)
            let made = try LedgerRoutes(dependencies: dependencies).refusing {
                try desk.record(input, site: site.id, source: LedgerRoutes.source(principal))
            }
            return PageResponse.redirect(PageKit(request).link("/dashboard/sites/\(site.id.rawValue)?checked=\(made.entry.seq)") + "#morning-check")
        }
    }

    /// The check named by the page's `?checked=<seq>` (after a post), if it is a morning check of the site.
    static func recorded(_ request: Request, site: SiteID, book: LedgerBook) throws -> MorningCheckRecord? {
        guard let text = request.uri.queryParameters.get("checked"), let seq = Int64(text), seq >= 1,
              let entry = try book.store.ledgerEntries(site: site, fromSeq: seq, limit: 1).first,
              entry.seq == seq, entry.kind == MorningCheckDesk.kind else { return nil }
        return try? LedgerBody.decode(MorningCheckRecord.self, from: entry.body)
    }
}
