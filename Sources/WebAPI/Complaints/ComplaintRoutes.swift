import Hummingbird
import KitchenModel
import KitchenRules
import StorageModel

/// The regulator's side of complaints, behind a token and the alarms' scope rules:
/// `GET /api/v1/complaints`, `GET /api/v1/complaints/{id}` (with its trail), a photo, and
/// `POST .../accept`, `.../refuse`, `.../close`. A site's token reads its own site's complaints
/// (tip-offs once closed) without the complainant's contact; acting is a regulator's or an admin's.
struct ComplaintRoutes {
    let desk: FeedbackDesk
    var dependencies: APIDependencies { desk.dependencies }

    struct ActionBody: Decodable {
        var by: String?
        var reply: String?
        var upheld: Bool?
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/api/v1/complaints") { request, context in
            let principal = try context.requirePrincipal()
            let rows = try dependencies.store.complaints(try Self.query(request.uri.queryParameters, principal: principal))
                .filter { Self.visible($0, to: principal) }
            return JSONBody.response(["complaints": rows.map { view($0, principal) }])
        }
        group.get("/api/v1/complaints/{id}") { _, context in
            let principal = try context.requirePrincipal()
            let complaint = try visibleComplaint(context.parameters.require("id"), principal)
            struct Step: Encodable {
                var at: EpochMillis
                var step: String
                var actor: String?
                var note: String?
            }
            struct Body: Encodable {
                var complaint: ComplaintView
                var trail: [Step]
            }
            let trail = try dependencies.store.complaintSteps(of: complaint.id).map {
                Step(at: $0.at, step: $0.kind, actor: $0.actor, note: $0.note)
            }
            return JSONBody.response(Body(complaint: view(complaint, principal), trail: trail))
        }
        group.get("/api/v1/complaints/{id}/photos/{n}") { _, context in
            try photo(context.parameters.require("id"), context.parameters.require("n"), context.requirePrincipal())
        }
        for action in ComplaintAction.allCases {
            group.post("/api/v1/complaints/{id}/\(action.rawValue)") { request, context in
                let principal = try context.requirePrincipal()
                let complaint = try visibleComplaint(context.parameters.require("id"), principal)
                let body = try await request.decode(as: ActionBody.self, context: context)
                let updated = try perform(action, on: complaint, by: principal, body: body)
                return JSONBody.response(["complaint": view(updated, principal)])
            }
        }
    }

    /// One step by a person; the API and the dashboard's forms refuse the same things.
    func perform(_ action: ComplaintAction, on complaint: ComplaintRecord, by principal: Principal,
                 body: ActionBody) throws -> ComplaintRecord {
        _ = try TypedText.optional(body.by, field: "by", characters: AlarmRoutes.maxNameLength)
        guard AlarmPermissions.mayClose(principal) else {
            throw APIError.forbidden("only a regulator or an admin decides on complaints")
        }
        return try desk.act(action, on: complaint, by: AlarmRoutes.actor(principal, named: body.by), reply: body.reply,
                            upheld: body.upheld)
    }

    func photo(_ id: String, _ n: String, _ principal: Principal) throws -> Response {
        let complaint = try visibleComplaint(id, principal)
        guard let number = Int(n), number >= 1, number <= complaint.photoCount,
              let jpeg = try dependencies.store.complaintPhoto(of: complaint.id, index: number - 1) else {
            throw APIError.notFound("complaint '\(complaint.id)' has no photo \(n.prefix(8))")
        }
        var headers = HTTPFields()
        headers[.contentType] = "image/jpeg"
        headers[.cacheControl] = CachePolicy.authenticated
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
    }

    func view(_ complaint: ComplaintRecord, _ principal: Principal) -> ComplaintView {
        ComplaintView(complaint, siteName: dependencies.sites.site(complaint.site)?.name, withContact: principal.role != .site)
    }

    func visibleComplaint(_ id: String, _ principal: Principal) throws -> ComplaintRecord {
        guard id.utf8.count <= 64, let complaint = try dependencies.store.complaint(id: id) else {
            throw APIError.notFound("no complaint '\(id.prefix(64))'")
        }
        guard Self.visible(complaint, to: principal) else {
            throw APIError.forbidden("this token may not see complaint '\(complaint.id)'")
        }
        return complaint
    }

    /// The alarms' scope rule; a site sees a tip-off about itself only once it is closed.
    static func visible(_ complaint: ComplaintRecord, to principal: Principal) -> Bool {
        guard let region = RegionCode(complaint.region) else { return principal.role == .admin }
        guard principal.canSee(site: complaint.site, region: region) else { return false }
        return principal.role != .site || complaint.kind == .complaint || complaint.state == .closed
    }

    static func query(_ parameters: Parameters, principal: Principal) throws -> ComplaintQuery {
        var query = ComplaintQuery()
        if let site = parameters.get("site") {
            guard let id = SiteID(site) else { throw APIError.badRequest("site '\(site.prefix(64))' is not a site id") }
            query.site = id
        }
        if let region = parameters.get("region") {
            guard region.count <= 16, region.allSatisfy({ $0.isNumber || $0 == "-" }) else {
                throw APIError.badRequest("region must be a division code prefix such as 42, 4201 or 420106")
            }
            query.regionPrefix = region
        }
        switch principal.role {
        case .regulator:
            let scope = principal.scope ?? ""
            if let asked = query.regionPrefix, !asked.hasPrefix(scope) {
                throw APIError.forbidden("region '\(asked)' is outside this token's scope '\(scope)'")
            }
            query.regionPrefix = query.regionPrefix ?? scope
        case .site:
            query.site = principal.scope.flatMap(SiteID.init)
        case .admin:
            break
        }
        if let state = parameters.get("state") {
            let names = state.split(separator: ",").map(String.init)
            let known = ComplaintState.allCases.map(\.rawValue) + ["open"]
            guard names.allSatisfy(known.contains) else {
                throw APIError.badRequest("state must be among \(known.joined(separator: ", "))")
            }
            query.states = names.contains("open") ? [.received, .accepted] : names.compactMap(ComplaintState.init(rawValue:))
        }
        if let limit = parameters.get("limit") {
            guard let value = Int(limit), (1...1000).contains(value) else {
                throw APIError.badRequest("limit must be between 1 and 1000")
            }
            query.limit = value
        }
        return query
    }
}
