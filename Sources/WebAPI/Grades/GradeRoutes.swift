import Foundation
import Hummingbird
import KitchenModel
import KitchenRules
import RegionNames
import Reports
import StorageModel

/// Grades and red/black lists (docs/rules.md, "Grades"), for whoever may see the sites:
/// `GET /api/v1/grades?day=&region=`, `GET /api/v1/sites/{id}/grades?from=&to=` and
/// `GET /api/v1/regions/{code}/lists?month=YYYY-MM`.
struct GradeRoutes {
    let dependencies: APIDependencies

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/api/v1/grades") { request, context in
            let principal = try context.requirePrincipal()
            let query = request.uri.queryParameters
            let prefix = try query.get("region").map { try RegionRoutes.node($0, visibleTo: principal).code }
            guard let day = try query.get("day").map(Self.day) ?? dependencies.store.latestGradeDay() else {
                return JSONBody.response(GradePage(day: nil, grades: []))
            }
            let listings = try dependencies.store.grades(fromDay: day, toDay: day, regionPrefix: prefix)
                .filter { visible($0, principal) }
                .compactMap { GradeListing($0, site: dependencies.sites.site($0.site), withFacts: false) }
            return JSONBody.response(GradePage(day: day, grades: listings))
        }
        group.get("/api/v1/sites/{id}/grades") { request, context in
            let site = try LedgerRoutes(dependencies: dependencies).visibleSite(context)
            let query = request.uri.queryParameters
            let to = try query.get("to").map(Self.day) ?? "9999-12-31"
            let from = try query.get("from").map(Self.day) ?? "0000-01-01"
            guard from <= to else { throw APIError.badRequest("from must not be after to") }
            let listings = try dependencies.store.grades(site: site.id, fromDay: from, toDay: to)
                .compactMap { GradeListing($0, site: site, withFacts: true) }
            return JSONBody.response(["grades": listings])
        }
        group.get("/api/v1/regions/{code}/lists") { request, context in
            let principal = try context.requirePrincipal()
            let node = try RegionRoutes.node(context.parameters.require("code"), visibleTo: principal)
            let month = try Self.month(request.uri.queryParameters.get("month"), now: dependencies.clock.now())
            return JSONBody.response(try RegionLists.build(region: node.code, month: month, dependencies: dependencies))
        }
    }

    private func visible(_ grade: StoredGrade, _ principal: Principal) -> Bool {
        guard let region = RegionCode(grade.region) else { return principal.role == .admin }
        return principal.canSee(site: grade.site, region: region)
    }

    static func day(_ text: String) throws -> String {
        guard let date = CivilDate(parsing: text) else { throw APIError.badRequest("day '\(text.prefix(16))' must be YYYY-MM-DD") }
        return date.description
    }

    static func month(_ text: String?, now: EpochMillis) throws -> GradeMonth {
        guard let text else { return GradeMonth.previous(to: now) }
        guard let month = GradeMonth(parsing: text) else { throw APIError.badRequest("month '\(text.prefix(16))' must be YYYY-MM") }
        return month
    }
}

struct GradePage: Encodable {
    var day: String?
    var grades: [GradeListing]
}

/// A region's 红黑榜 for a month, with names.
struct RegionLists: Encodable {
    struct Line: Encodable {
        var site: String
        var name: String
        var regionName: String
        var days: Int
        var meanScore: Int
        var worstRisk: RiskGrade
        var reasons: [String]

        enum CodingKeys: String, CodingKey {
            case site, name, days, reasons
            case regionName = "region_name", meanScore = "mean_score", worstRisk = "worst_risk"
        }
    }

    var region: String
    var month: String
    var red: [Line]
    var black: [Line]

    static func build(region: String, month: GradeMonth, dependencies: APIDependencies) throws -> RegionLists {
        let (lists, stored) = try month.lists(region: region, store: dependencies.store)
        let regions = Dictionary(stored.map { ($0.site.rawValue, $0.region) }, uniquingKeysWith: { _, last in last })
        func line(_ entry: MonthlyLists.Entry) -> Line {
            let site = SiteID(entry.site).flatMap { dependencies.sites.site($0) }
            return Line(site: entry.site, name: site?.name ?? entry.site,
                        regionName: RegionNames.shared.path(regions[entry.site] ?? ""), days: entry.days,
                        meanScore: entry.meanScore, worstRisk: entry.worstRisk, reasons: entry.reasons)
        }
        return RegionLists(region: region, month: month.description, red: lists.red.map(line),
                           black: lists.black.map(line))
    }
}
