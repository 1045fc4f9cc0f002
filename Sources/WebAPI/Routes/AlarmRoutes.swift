import Foundation
import GatewayPorts
import Hummingbird
import KitchenModel
import KitchenRules
import StorageModel

/// `GET /api/v1/alarms`, `GET /api/v1/alarms/{id}` and the closed loop's actions:
/// `POST .../ack`, `.../rectify`, `.../close`. Sites acknowledge and rectify; closing a
/// violation is the regulator's (or an admin's) call; equipment faults close themselves.
struct AlarmRoutes {
    let dependencies: APIDependencies

    struct ActionBody: Decodable {
        /// The person acting, shown in the trail next to the token's identity.
        var by: String?
        var note: String?
        var action: String?
        var evidence: [String]?
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/api/v1/alarms") { request, context in
            let principal = try context.requirePrincipal()
            let query = try Self.query(request.uri.queryParameters, principal: principal)
            let rows = try dependencies.store.alarms(query).filter { Self.visible($0, to: principal) }
            let counts = try dependencies.store.evidenceCounts(alarmIDs: rows.map(\.id))
            return JSONBody.response(["alarms": rows.compactMap(AlarmView.init).map { $0.counting(counts) }])
        }
        group.get("/api/v1/alarms/{id}") { _, context in
            let principal = try context.requirePrincipal()
            let row = try visibleAlarm(context.parameters.require("id"), principal)
            struct Body: Encodable {
                var alarm: AlarmView?
                var trail: [TransitionView]
            }
            let trail = try dependencies.store.transitions(ofAlarm: row.id).map(TransitionView.init)
            let counts = try dependencies.store.evidenceCounts(alarmIDs: [row.id])
            return JSONBody.response(Body(alarm: AlarmView(row)?.counting(counts), trail: trail))
        }
        for action in ["ack", "rectify", "close"] {
            group.post("/api/v1/alarms/{id}/\(action)") { request, context in
                let principal = try context.requirePrincipal()
                let row = try visibleAlarm(context.parameters.require("id"), principal)
                let body = try await request.decode(as: ActionBody.self, context: context)
                let record = try perform(action, on: row, by: principal, body: body)
                return JSONBody.response(["alarm": AlarmView(record)])
            }
        }
    }

    /// The closed loop's step `action` (`ack`, `rectify`, `close`) on a visible alarm; the API
    /// and the dashboard's forms both come through here, so they refuse the same things.
    func perform(_ action: String, on row: AlarmRow, by principal: Principal, body: ActionBody) throws -> AlarmRecord {
        // The trail keeps these forever and every page shows them: bounded here, not by a form's
        // `maxlength`, in characters and in bytes (one character can carry thousands of marks).
        try Self.checkTexts(body)
        let actor = Self.actor(principal, named: body.by)
        let engine = dependencies.alarms
        do {
            switch action {
            case "ack":
                return try engine.acknowledge(id: row.id, by: actor, note: body.note)
            case "rectify":
                return try engine.rectify(id: row.id, by: actor, action: body.action ?? "", evidence: body.evidence ?? [])
            default:
                guard AlarmPermissions.mayClose(principal) else { throw APIError.forbidden("only a regulator or an admin closes alarms") }
                return try engine.close(id: row.id, by: actor, note: body.note)
            }
        } catch let error as AlarmActionError {
            switch error {
            case .notFound: throw APIError.notFound(error.description)
            case .refused: throw APIError(.conflict, "invalid_transition", error.description)
            case .notRecorded: throw APIError(.serviceUnavailable, "not_recorded", error.description)
            }
        }
    }

    func visibleAlarm(_ id: String, _ principal: Principal) throws -> AlarmRow {
        guard id.utf8.count <= 64, let row = try dependencies.store.alarm(id: id) else {
            throw APIError.notFound("no alarm '\(id.prefix(64))'")
        }
        guard Self.visible(row, to: principal) else { throw APIError.forbidden("this token may not see alarm '\(id)'") }
        return row
    }

    static func visible(_ row: AlarmRow, to principal: Principal) -> Bool {
        guard let region = RegionCode(row.region) else { return principal.role == .admin }
        return principal.canSee(site: row.site, region: region)
    }

    /// Longest note or corrective action accepted, in characters (and 4 bytes each).
    static let maxTextLength = 500
    /// Longest name typed in `by`, in characters.
    static let maxNameLength = 64
    /// At most this many evidence references per rectification, each at most `maxEvidenceLength`.
    static let maxEvidenceItems = 20
    static let maxEvidenceLength = 512

    /// Every text field of an action, from the API or a dashboard form.
    static func checkTexts(_ body: ActionBody) throws(APIError) {
        _ = try TypedText.optional(body.by, field: "by", characters: maxNameLength)
        _ = try TypedText.optional(body.note, field: "note", characters: maxTextLength)
        _ = try TypedText.optional(body.action, field: "action", characters: maxTextLength)
        _ = try TypedText.list(body.evidence, field: "evidence", count: maxEvidenceItems, characters: maxEvidenceLength)
    }

    /// The trail's actor: the name typed (control characters such as newlines removed, so it
    /// cannot fake another trail line, at most 64 characters) and the token's identity.
    static func actor(_ principal: Principal, named name: String?) -> String {
        let who = "\(principal.role.rawValue)\(principal.scope.map { ":" + $0 } ?? "")#\(principal.tokenID ?? 0)"
        let cleaned = String(String.UnicodeScalarView((name ?? "").unicodeScalars.filter {
            !$0.properties.generalCategory.isControlOrFormat
        })).trimmingCharacters(in: .whitespaces)
        guard !cleaned.isEmpty else { return who }
        return "\(cleaned.prefix(64)) (\(who))"
    }

    static func query(_ parameters: Parameters, principal: Principal) throws -> AlarmQuery {
        var query = AlarmQuery()
        if let site = parameters.get("site") {
            guard let id = SiteID(site) else { throw APIError.badRequest("site '\(site.prefix(64))' is not a site id") }
            query.site = id
        }
        if let region = parameters.get("region") {
            guard region.count <= 16, region.allSatisfy({ $0.isNumber || $0 == "-" || $0.isLetter }) else {
                throw APIError.badRequest("region must be a division code prefix such as 42, 4201 or 420106")
            }
            query.regionPrefix = region
        }
        if principal.role == .regulator, let scope = principal.scope {
            // A regulator's filter can only narrow its scope.
            if let asked = query.regionPrefix, !asked.hasPrefix(scope) {
                throw APIError.forbidden("region '\(asked)' is outside this token's scope '\(scope)'")
            }
            query.regionPrefix = query.regionPrefix ?? scope
        }
        if principal.role == .site, let scope = principal.scope {
            query.site = SiteID(scope)
        }
        if let state = parameters.get("state") {
            let names = state.split(separator: ",").map(String.init)
            let known = AlarmState.allCases.map(\.rawValue) + ["open"]
            guard names.allSatisfy(known.contains) else {
                throw APIError.badRequest("state must be among \(known.joined(separator: ", "))")
            }
            query.states = names.contains("open") ? AlarmState.allCases.filter { $0 != .closed }
                : names.compactMap(AlarmState.init(rawValue:))
        }
        if let riskClass = parameters.get("class") {
            guard let value = Int(riskClass).flatMap(RiskClass.init(rawValue:)) else {
                throw APIError.badRequest("class must be 1, 2 or 3")
            }
            query.riskClass = value
        }
        if let since = parameters.get("since") {
            guard let value = EpochMillis(since) else { throw APIError.badRequest("since must be milliseconds since the epoch") }
            query.since = value
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

private extension Unicode.GeneralCategory {
    /// Cc (C0/C1 controls, newlines, tabs) and Cf (bidi overrides, zero-width marks).
    var isControlOrFormat: Bool { self == .control || self == .format }
}
