import Hummingbird
import KitchenModel
import Reports

/// `GET /api/v1/regions/{code}/summary` for a province (`42`), city (`4201`), county (`420106`)
/// or station (`420106-03`). Regulators see their scope and below; site tokens no region.
struct RegionRoutes {
    let dependencies: APIDependencies

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/api/v1/regions/{code}/summary") { _, context in
            let principal = try context.requirePrincipal()
            let node = try Self.node(context.parameters.require("code"), visibleTo: principal)
            let now = dependencies.clock.now()
            let summary = try RegionSummary.build(node, sites: dependencies.sites.siteSummaries(visibleTo: principal, now: now),
                                                  alarms: dependencies.alarms, store: dependencies.store, now: now,
                                                  dayStart: ReportCalendar.china.startOfDay(containing: now))
            guard summary.region.sites > 0 else { throw APIError.notFound("no registered site in region '\(node)'") }
            return JSONBody.response(summary)
        }
    }

    /// A well-formed code the principal may see; a malformed one is a 400, one outside the scope a 403.
    static func node(_ raw: String, visibleTo principal: Principal) throws -> RegionNode {
        guard let node = RegionNode(raw) else {
            throw APIError.badRequest("region '\(raw.prefix(32))' must be a division code of 2, 4 or 6 digits, or 6 digits-station")
        }
        guard principal.canSee(regionPrefix: node.code) else {
            throw APIError.forbidden("region '\(node)' is outside this token's scope")
        }
        return node
    }
}
