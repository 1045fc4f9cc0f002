import Foundation
import Hummingbird
import KitchenModel
import Reports

/// Audit reports, for whoever may see the site or region:
/// `GET /api/v1/reports/haccp?site=&date=YYYY-MM-DD&format=csv|html`,
/// `GET /api/v1/reports/ledger?site=&from=&to=` (CSV, days inclusive) and
/// `GET /api/v1/reports/alarms?region=&from=&to=` (CSV).
struct ReportRoutes {
    let dependencies: APIDependencies
    let calendar = ReportCalendar.china

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/api/v1/reports/haccp") { request, context in
            let principal = try context.requirePrincipal()
            let query = request.uri.queryParameters
            let site = try visibleSite(query.get("site"), principal)
            let day = try days(query.get("date"), query.get("date"), name: "date")
            let format = query.get("format") ?? "csv"
            guard format == "csv" || format == "html" else { throw APIError.badRequest("format must be csv or html") }
            let devices = dependencies.sites.devices(ofSite: site.id)
            let log = try HACCPLog.build(site: site, devices: devices, day: query.get("date")!, start: day.start,
                                         end: day.end, now: dependencies.clock.now(), store: dependencies.store)
            return format == "csv"
                ? Self.file(log.csv(calendar: calendar), type: "text/csv", name: "haccp-\(site.id)-\(log.day).csv")
                : Self.file(log.html(calendar: calendar), type: "text/html", name: nil, policy: DocumentPolicy.report)
        }
        group.get("/api/v1/reports/ledger") { request, context in
            let principal = try context.requirePrincipal()
            let query = request.uri.queryParameters
            let site = try visibleSite(query.get("site"), principal)
            let period = try days(query.get("from"), query.get("to"), name: "from/to")
            let csv = try LedgerReport.csv(site: site.id, since: period.start, until: period.end,
                                           store: dependencies.store, calendar: calendar)
            return Self.file(csv, type: "text/csv", name: "ledger-\(site.id).csv")
        }
        group.get("/api/v1/reports/alarms") { request, context in
            let principal = try context.requirePrincipal()
            let query = request.uri.queryParameters
            let node = try RegionRoutes.node(query.get("region") ?? "", visibleTo: principal)
            let period = try days(query.get("from"), query.get("to"), name: "from/to")
            let csv = try AlarmStatistics.csv(region: node, since: period.start, until: period.end,
                                              now: dependencies.clock.now(), store: dependencies.store)
            return Self.file(csv, type: "text/csv", name: "alarms-\(node.code).csv")
        }
    }

    private func visibleSite(_ raw: String?, _ principal: Principal) throws -> SiteConfig {
        guard let raw else { throw APIError.badRequest("site is required") }
        guard let id = SiteID(raw), let site = dependencies.sites.site(id) else {
            throw APIError.notFound("no site '\(raw.prefix(64))'")
        }
        guard principal.canSee(site: site.id, region: site.region) else {
            throw APIError.forbidden("this token may not see site '\(id)'")
        }
        return site
    }

    /// `[from 00:00, to + 1 day 00:00)` in local time; at most a year.
    private func days(_ from: String?, _ to: String?, name: String) throws -> (start: EpochMillis, end: EpochMillis) {
        guard let from, let to, let first = calendar.day(from), let last = calendar.day(to) else {
            throw APIError.badRequest("\(name) must be dates written YYYY-MM-DD")
        }
        guard first.start <= last.start, last.end - first.start <= 366 * 86_400_000 else {
            throw APIError.badRequest("the period must run forwards and span at most 366 days")
        }
        return (first.start, last.end)
    }

    static func file(_ text: String, type: String, name: String?, policy: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "\(type); charset=utf-8"
        headers[.cacheControl] = CachePolicy.authenticated
        if let policy { headers[.contentSecurityPolicy] = policy }
        if let name { headers[.contentDisposition] = "attachment; filename=\"\(name)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
