import Foundation
import Hummingbird
import KitchenModel
import Ledgers
import Reports
import StorageModel

/// Kitchen ledgers (docs/ledgers.md), for whoever may see the site (a site token its own, a
/// regulator its region, an admin all):
/// `GET/POST /api/v1/sites/{id}/staff`, `POST /api/v1/sites/{id}/morning-checks`,
/// `GET /api/v1/sites/{id}/ledger/entries?from_seq=&limit=`, `GET /api/v1/sites/{id}/ledger/sheet?date=&format=html|csv`,
/// `GET /api/v1/sites/{id}/ledger/export` (signed JSON lines) and `GET /api/v1/sites/{id}/ledger/verify`.
/// Entries are only ever appended: there is no PUT, PATCH or DELETE; a correction is a new entry.
/// An impossible entry is answered 422 with the refusal's reason and stores nothing.
struct LedgerRoutes {
    let dependencies: APIDependencies

    struct WorkerBody: Decodable {
        var worker: String?
        var name: String?
        var role: String?
        var cert_no: String?
        var cert_expiry: String?
        var active: Bool?
    }

    struct CheckBody: Decodable {
        var worker: String?
        var at_ms: Int64?
        var temperature_c: Double?
        var uniform_ok: Bool?
        var hygiene_ok: Bool?
        var symptoms: [String]?
        var checker: String?
        var remark: String?
        /// The seq of an earlier entry this check corrects.
        var corrects: Int64?
    }

    struct StaffView: Encodable {
        var worker: Worker
        var certificate: String
        var days: Int?
    }

    struct EntryView: Encodable {
        var seq: Int64
        var kind: String
        var at_ms: Int64
        var recorded_ms: Int64
        var source: String
        var corrects: Int64?
        var body: String
        var prev: String
        var hash: String

        init(_ e: ChainEntry) {
            seq = e.seq
            kind = e.kind
            at_ms = e.at
            recorded_ms = e.recordedAt
            source = e.source
            corrects = e.corrects
            body = e.body
            prev = e.prev
            hash = e.hash
        }
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/api/v1/sites/{id}/staff") { _, context in
            let site = try visibleSite(context)
            let today = CivilDay(containing: dependencies.clock.now())
            let staff = try StaffDesk(book: dependencies.ledgers).roster(site.id).sorted.map { worker -> StaffView in
                let status = worker.certificate(on: today)
                return switch status {
                case .valid: StaffView(worker: worker, certificate: status.word, days: nil)
                case .expiring(let days): StaffView(worker: worker, certificate: status.word, days: days)
                case .expired(let days): StaffView(worker: worker, certificate: status.word, days: -days)
                }
            }
            return JSONBody.response(["staff": staff])
        }
        group.post("/api/v1/sites/{id}/staff") { request, context in
            let site = try visibleSite(context)
            let principal = try context.requirePrincipal()
            let body = try await request.decode(as: WorkerBody.self, context: context)
            try TypedText.check(body.name ?? "", field: "name", characters: 32)
            let worker = Worker(id: body.worker ?? "", name: body.name ?? "", role: body.role ?? "",
                                certificateNumber: body.cert_no ?? "", certificateExpiry: body.cert_expiry ?? "",
                                active: body.active ?? true)
            let entry = try refusing { try StaffDesk(book: dependencies.ledgers).record(worker, site: site.id,
                                                                                        source: Self.source(principal)) }
            struct Answer: Encodable {
                var worker: Worker
                var entry: EntryView?
            }
            return JSONBody.response(Answer(worker: worker, entry: entry.map(EntryView.init)), status: entry == nil ? .ok : .created)
        }
        group.post("/api/v1/sites/{id}/morning-checks") { request, context in
            let site = try visibleSite(context)
            let principal = try context.requirePrincipal()
            let body = try await request.decode(as: CheckBody.self, context: context)
            guard let worker = body.worker, let temperature = body.temperature_c else {
                throw APIError.badRequest("worker and temperature_c are required")
            }
            try TypedText.check(body.checker ?? "", field: "checker", characters: 64)
            try TypedText.check(body.remark ?? "", field: "remark", characters: 200)
            let input = MorningCheckInput(worker: worker, at: body.at_ms ?? dependencies.clock.now(), temperatureC: temperature,
                                          uniformOK: body.uniform_ok ?? true, hygieneOK: body.hygiene_ok ?? true,
                                          symptoms: body.symptoms ?? [], checker: body.checker ?? AlarmRoutes.actor(principal, named: nil),
                                          remark: body.remark ?? "")
            let desk = MorningCheckDesk(book: dependencies.ledgers, rules: dependencies.morningCheckRules)
            let recorded = try refusing { try desk.record(input, site: site.id, source: Self.source(principal), corrects: body.corrects) }
            struct Answer: Encodable {
                var record: MorningCheckRecord
                var entry: EntryView
            }
            return JSONBody.response(Answer(record: recorded.record, entry: EntryView(recorded.entry)), status: .created)
        }
        group.get("/api/v1/sites/{id}/ledger/entries") { request, context in
            let site = try visibleSite(context)
            let query = request.uri.queryParameters
            let from = try query.get("from_seq").map { text -> Int64 in
                guard let value = Int64(text), value >= 1 else { throw APIError.badRequest("from_seq must be 1 or more") }
                return value
            } ?? 1
            let limit = try query.get("limit").map { text -> Int in
                guard let value = Int(text), (1...1_000).contains(value) else { throw APIError.badRequest("limit must be 1-1000") }
                return value
            } ?? 100
            let entries = try dependencies.store.ledgerEntries(site: site.id, fromSeq: from, limit: limit)
            return JSONBody.response(["entries": entries.map(EntryView.init)])
        }
        group.get("/api/v1/sites/{id}/ledger/sheet") { request, context in
            let site = try visibleSite(context)
            let query = request.uri.queryParameters
            let day = try query.get("date").map { text -> CivilDay in
                guard let day = CivilDay(text) else { throw APIError.badRequest("date must be YYYY-MM-DD") }
                return day
            } ?? CivilDay(containing: dependencies.clock.now())
            let format = query.get("format") ?? "html"
            guard format == "csv" || format == "html" else { throw APIError.badRequest("format must be csv or html") }
            let sheet = try DailyLedgerSheet.build(site: site, day: day, book: dependencies.ledgers)
            return format == "csv"
                ? ReportRoutes.file(sheet.csv(), type: "text/csv", name: "ledger-\(site.id)-\(day).csv")
                : ReportRoutes.file(sheet.html(), type: "text/html", name: nil, policy: DocumentPolicy.report)
        }
        group.get("/api/v1/sites/{id}/ledger/export") { _, context in
            let site = try visibleSite(context)
            let text = try dependencies.ledgers.export(site.id)
            return ReportRoutes.file(text, type: "application/x-ndjson", name: "ledger-\(site.id).jsonl")
        }
        group.get("/api/v1/sites/{id}/ledger/verify") { _, context in
            let site = try visibleSite(context)
            let result = try dependencies.ledgers.verify(site.id)
            struct Answer: Encodable {
                var intact: Bool
                var entries: Int
                var heads: Int
                var signatures_genuine: Int
                var first_broken_seq: Int64?
                var problem: String?
            }
            return JSONBody.response(Answer(intact: result.intact, entries: result.entries, heads: result.heads,
                                            signatures_genuine: result.signaturesChecked, first_broken_seq: result.firstProblem?.seq,
                                            problem: result.firstProblem?.problem))
        }
    }

    /// `api:<role>[:<scope>]#<token id>`: who appended, as the chain keeps it.
    static func source(_ principal: Principal) -> String {
        "api:" + AlarmRoutes.actor(principal, named: nil)
    }

    /// A refusal as 422 `{"error": <reason>, "message": ...}`: nothing was stored.
    func refusing<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let refusal as LedgerRefusal {
            throw APIError(.unprocessableContent, refusal.reason, refusal.message)
        }
    }

    func visibleSite(_ context: GatewayRequestContext) throws -> SiteConfig {
        let principal = try context.requirePrincipal()
        let raw = try context.parameters.require("id")
        guard let id = SiteID(raw), let site = dependencies.sites.site(id) else {
            throw APIError.notFound("no site '\(raw.prefix(64))'")
        }
        guard principal.canSee(site: site.id, region: site.region) else {
            throw APIError.forbidden("this token may not see site '\(id)'")
        }
        return site
    }
}
