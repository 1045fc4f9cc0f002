import GatewayPorts
import Hummingbird
import KitchenModel

/// `GET /api/v1/sites` (optionally `?region=4201`) and `GET /api/v1/sites/{id}`: the per-site state model.
struct SiteRoutes {
    let dependencies: APIDependencies

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/api/v1/sites") { request, context in
            let principal = try context.requirePrincipal()
            var sites = dependencies.sites.siteSummaries(visibleTo: principal, now: dependencies.clock.now())
            // `?region=` narrows the list; a region outside the token's scope is refused, not emptied.
            if let raw = request.uri.queryParameters.get("region") {
                let node = try RegionRoutes.node(raw, visibleTo: principal)
                sites = sites.filter { RegionCode($0.region).map(node.contains) ?? false }
            }
            return JSONBody.response(SiteList(sites: sites))
        }
        group.get("/api/v1/sites/{id}") { _, context in
            let principal = try context.requirePrincipal()
            let raw = try context.parameters.require("id")
            guard let id = SiteID(raw), dependencies.sites.siteExists(id) else {
                throw APIError.notFound("no site '\(raw.prefix(64))'")
            }
            guard let view = dependencies.sites.siteView(id, visibleTo: principal, now: dependencies.clock.now())
            else { throw APIError.forbidden("this token may not see site '\(id)'") }
            let open = dependencies.alarms.openAlarms(site: id)
            return JSONBody.response(SiteWithAlarms(site: view.site, devices: view.deviceList,
                                                    status: dependencies.alarms.status(of: id),
                                                    openAlarms: open.map(AlarmView.init)))
        }
    }
}

struct SiteList: Encodable {
    var sites: [SiteSummary]
}

/// A site's state model with its open alarms and traffic light.
struct SiteWithAlarms: Encodable {
    var site: SiteSummary
    var devices: [DeviceView]
    var status: SiteStatus
    var openAlarms: [AlarmView]

    enum CodingKeys: String, CodingKey {
        case site, devices, status, openAlarms = "open_alarms"
    }
}

extension GatewayRequestContext {
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError.unauthorized("this route needs a bearer token") }
        return principal
    }
}
