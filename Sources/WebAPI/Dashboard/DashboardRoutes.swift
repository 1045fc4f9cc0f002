import Foundation
import Hummingbird
import KitchenModel
import KitchenRules
import Ledgers
import Reports
import StorageModel

/// The dashboard's pages, behind the session cookie and the same scope rules as the API:
/// `/dashboard` (sends each token to its start page), `/dashboard/regions/{code}`,
/// `/dashboard/sites/{id}`, `/dashboard/alarms/{id}` with its action posts, and the evidence
/// pictures the pages show.
struct DashboardRoutes {
    let dependencies: APIDependencies

    struct ActionForm: Decodable {
        var csrf: String?
        var by: String?
        var note: String?
        var action: String?
    }

    /// The live refresh script: open, static, cached for an hour (pages add a version query).
    func addOpen(to router: some RouterMethods<GatewayRequestContext>) {
        router.get("/dashboard/live.js") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/javascript; charset=utf-8"
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: LiveRefresh.script)))
        }
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/dashboard") { request, context in
            let principal = try context.requirePrincipal()
            switch (principal.role, principal.scope) {
            case (.regulator, let scope?): return PageResponse.redirect(PageKit(request).link("/dashboard/regions/\(scope)"))
            case (.site, let scope?): return PageResponse.redirect(PageKit(request).link("/dashboard/sites/\(scope)"))
            default: return try overview(request, principal)
            }
        }
        group.get("/dashboard/regions/{code}") { request, context in
            let principal = try context.requirePrincipal()
            return try region(RegionRoutes.node(context.parameters.require("code"), visibleTo: principal), request, principal)
        }
        group.get("/dashboard/sites/{id}") { request, context in
            try site(context.parameters.require("id"), request, context.requirePrincipal())
        }
        group.get("/dashboard/alarms/{id}") { request, context in
            try alarm(context.parameters.require("id"), request, context.requirePrincipal())
        }
        for action in ["ack", "rectify", "close"] {
            group.post("/dashboard/alarms/{id}/\(action)") { request, context in
                let principal = try context.requirePrincipal()
                let form = try await DashboardForm.decode(ActionForm.self, from: request, context: context)
                guard let session = DashboardSession.id(from: request), DashboardSession.csrfMatches(form.csrf, session: session) else {
                    throw APIError.forbidden("this form is not from this session's page; reload the page and try again")
                }
                let alarms = AlarmRoutes(dependencies: dependencies)
                let row = try alarms.visibleAlarm(context.parameters.require("id"), principal)
                _ = try alarms.perform(action, on: row, by: principal,
                                       body: .init(by: form.by, note: form.note, action: form.action, evidence: nil))
                return PageResponse.redirect(PageKit(request).link("/dashboard/alarms/\(row.id)"))
            }
        }
        MorningCheckForm.add(to: group, dependencies: dependencies)
        group.post("/dashboard/alarms/{id}/voice") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await DashboardForm.decode(ActionForm.self, from: request, context: context)
            guard let session = DashboardSession.id(from: request), DashboardSession.csrfMatches(form.csrf, session: session) else {
                throw APIError.forbidden("this form is not from this session's page; reload the page and try again")
            }
            let row = try AlarmRoutes(dependencies: dependencies).visibleAlarm(context.parameters.require("id"), principal)
            guard let voice = dependencies.voice else {
                throw APIError(.serviceUnavailable, "voice_unavailable", "voice warnings are not running on this gateway")
            }
            _ = try TypedText.optional(form.by, field: "by", characters: AlarmRoutes.maxNameLength)
            _ = try await VoiceRoutes.warn(voice, row: row, by: AlarmRoutes.actor(principal, named: form.by), audio: .clip(nil))
            return PageResponse.redirect(PageKit(request).link("/dashboard/alarms/\(row.id)"))
        }
        for picture in [EvidencePicture.original, .thumbnail] {
            group.get("/dashboard/evidence/{id}/\(picture.rawValue).jpg") { _, context in
                try EvidenceRoutes.picture(picture, id: context.parameters.require("id"), for: context.requirePrincipal(),
                                           store: dependencies.store)
            }
        }
    }

    // MARK: pages

    /// An admin's start page: every province with its figures. Tickets and open alarms are read
    /// once for all provinces.
    private func overview(_ request: Request, _ principal: Principal) throws -> Response {
        let now = dependencies.clock.now()
        let sites = dependencies.sites.siteSummaries(visibleTo: principal, now: now)
        let provinces = Set(sites.compactMap { RegionCode($0.region).flatMap { RegionNode($0, at: .province) } }).sorted()
        let tickets = try ticketsToday(now)
        let open = dependencies.alarms.openAlarmsWithRegion()
        let children = provinces.map {
            RegionSummary.build($0, sites: sites, ticketsToday: tickets, openAlarms: open, now: now).region
        }
        let kit = PageKit(request)
        let body = RegionPage.render(heading: kit.t("全部地区", "All regions"), figures: nil, children: children, sites: [], kit: kit)
        return respond(request, kit: kit, title: kit.t("监管总览", "Overview"), crumbs: [], body: body)
    }

    private func region(_ node: RegionNode, _ request: Request, _ principal: Principal) throws -> Response {
        let now = dependencies.clock.now()
        let sites = dependencies.sites.siteSummaries(visibleTo: principal, now: now)
        let open = dependencies.alarms.openAlarmsWithRegion()
        let summary = RegionSummary.build(node, sites: sites, ticketsToday: try ticketsToday(now), openAlarms: open, now: now)
        guard summary.region.sites > 0 else { throw APIError.notFound("no registered site in region '\(node)'") }
        let direct = Set(summary.directSites)
        var figures: [String: RegionFigures] = [:]
        for alarm in open where direct.contains(alarm.record.device.site.rawValue) {
            let site = alarm.record.device.site.rawValue
            figures[site, default: RegionFigures(code: site, level: .station)]
                .add(openAlarm: alarm.record, overdue: AlarmDeadlines.isOverdue(alarm.record, now: now))
        }
        let here = sites.filter { direct.contains($0.id) }
            .map { ($0, figures[$0.id] ?? RegionFigures(code: $0.id, level: .station)) }
        let kit = PageKit(request)
        var body = RegionPage.render(heading: "\(kit.t("地区", "Region")) \(RegionLabel.text(node.code))", figures: summary.region,
                                     children: summary.children, sites: here, kit: kit)
        body += GradeCard.lists(try RegionLists.build(region: node.code, month: GradeMonth.previous(to: now),
                                                      dependencies: dependencies), kit: kit)
        return respond(request, kit: kit, title: "\(kit.t("地区", "Region")) \(RegionLabel.text(node.code))",
                       crumbs: crumbs(node.code, principal, includingLast: false) + [(RegionLabel.text(node.code), nil)], body: body)
    }

    private func site(_ raw: String, _ request: Request, _ principal: Principal) throws -> Response {
        let now = dependencies.clock.now()
        guard let id = SiteID(raw), dependencies.sites.siteExists(id) else { throw APIError.notFound("no site '\(raw.prefix(64))'") }
        guard let view = dependencies.sites.siteView(id, visibleTo: principal, now: now) else {
            throw APIError.forbidden("this token may not see site '\(id)'")
        }
        let store = dependencies.store
        let open = dependencies.alarms.openAlarms(site: id)
        let status = dependencies.alarms.status(of: id)
        let devices = dependencies.sites.devices(ofSite: id)
        var limits: [String: ZoneProfile] = [:]
        for d in devices { limits[d.key.device.rawValue] = dependencies.rules.profile(for: d.key, zone: d.zone) }
        let kit = PageKit(request)
        let charts = try devices.filter { $0.kind == .thermo || $0.kind == .sampler }.map { d in   // a 留样柜 charts its fridge
            try ChartData.chart(d, profile: limits[d.key.device.rawValue]!, sensor: dependencies.rules.sensor, store: store,
                                now: now, kit: kit)
        }
        // The latest pictures of the site's recent alarms.
        let recent = try store.alarms(AlarmQuery(site: id, limit: 12))
        let evidence = try recent.flatMap { try store.evidence(ofAlarm: $0.id) }.sorted { $0.at > $1.at }.prefix(8)
        var body = SitePage.render(view, status: status, limits: limits, open: open,
                                   charts: charts, evidence: Array(evidence), principal: principal, kit: kit, now: now)
        if let config = dependencies.sites.site(id) {
            let sheet = try DailyLedgerSheet.build(site: config, day: CivilDay(containing: now), book: dependencies.ledgers)
            body += LedgerCard.render(sheet, kit: kit)
            body += MorningCheckForm.render(sheet, recorded: try MorningCheckForm.recorded(request, site: id, book: dependencies.ledgers),
                                            kit: kit)
            body += SampleCard.render(sheet, kit: kit)
            let weekAgo = CivilDate(dayNumber: CivilDay(containing: now).number - 7).description
            let latest = try dependencies.store.grades(site: id, fromDay: weekAgo, toDay: "9999-12-31").last
            body += GradeCard.render(latest.flatMap { GradeListing($0, site: config, withFacts: false) }, kit: kit)
        }
        return respond(request, kit: kit, title: view.site.name,
                       crumbs: crumbs(view.site.region, principal, includingLast: true) + [(view.site.name, nil)], body: body)
    }

    private func alarm(_ raw: String, _ request: Request, _ principal: Principal) throws -> Response {
        let row = try AlarmRoutes(dependencies: dependencies).visibleAlarm(raw, principal)
        guard let record = row.record else { throw APIError(.internalServerError, "internal", "alarm '\(row.id)' cannot be read") }
        let siteName = dependencies.sites.site(row.site)?.name ?? row.site.rawValue
        let kit = PageKit(request)
        let body = AlarmPage.render(record, siteName: siteName, trail: try dependencies.store.transitions(ofAlarm: row.id),
                                    evidence: try dependencies.store.evidence(ofAlarm: row.id), principal: principal,
                                    kit: kit, now: dependencies.clock.now())
        // Whoever may see the alarm may see its site (the same scope check).
        let trail = crumbs(row.region, principal, includingLast: true) + [(siteName, "/dashboard/sites/\(row.site.rawValue)"), (row.id, nil)]
        return respond(request, kit: kit, title: kit.alarmTitle(record.kind), crumbs: trail, body: body)
    }

    // MARK: helpers

    private func ticketsToday(_ now: EpochMillis) throws -> [SiteID: Int] {
        try dependencies.store.ticketCountsBySite(since: ReportCalendar.china.startOfDay(containing: now))
    }

    /// The region levels above a page, linked where the principal may open them.
    private func crumbs(_ region: String, _ principal: Principal, includingLast: Bool) -> [(label: String, href: String?)] {
        var prefixes = [2, 4, 6].compactMap { n in region.utf8.count >= n ? String(region.prefix(n)) : nil }
        if region.contains("-") { prefixes.append(region) }
        if !includingLast, prefixes.last == region { prefixes.removeLast() }
        return prefixes.map {
            (RegionLabel.text($0), principal.canSee(regionPrefix: $0) ? "/dashboard/regions/\($0)" : nil)
        }
    }

    /// The full page, or only its `<main>` content for the live refresh script; both lead with
    /// the unreachable-codes warning while the lookup URL is a loopback one.
    private func respond(_ request: Request, kit: PageKit, title: String, crumbs: [(label: String, href: String?)],
                         body page: String) -> Response {
        let body = PublicURLBanner.html(lookupPrefix: dependencies.traceability.lookupPrefix, kit: kit) + page
        guard request.headers[PageResponse.fragmentHeader] == nil else {
            var response = PageResponse.html(body)
            response.headers[PageResponse.stampHeader] = PageKit.stamp(body)
            return response
        }
        return PageResponse.html(kit.document(title: title, crumbs: crumbs, body: body, signedIn: true))
    }
}
