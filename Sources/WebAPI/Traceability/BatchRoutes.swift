import Foundation
import Hummingbird
import KitchenModel
import Reports
import StorageModel

/// 进货查验 records: `POST/GET /api/v1/sites/{id}/batches`, `GET /api/v1/batches/{id}`
/// (with its history), re-inspection, recall, the tickets sold from a batch and its EPCIS
/// 2.0 export. Site tokens act on their own market, regulators on their region.
struct BatchRoutes {
    let dependencies: APIDependencies

    struct RecallBody: Decodable {
        var reason: String?
        var by: String?
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.post("/api/v1/sites/{id}/batches") { request, context in
            let principal = try context.requirePrincipal()
            let site = try market(context.parameters.require("id"), principal)
            let service = dependencies.traceability
            let input = try await request.decode(as: BatchInput.self, context: context)
            let batch = try input.batch(site: site, now: dependencies.clock.now(), newID: Self.newID)
            do {
                try service.create(batch, actor: AlarmRoutes.actor(principal, named: nil))
            } catch let error as BatchWriteError {
                throw APIError(.conflict, "duplicate", error.description)
            }
            return JSONBody.response(["batch": batch], status: .created)
        }
        group.get("/api/v1/sites/{id}/batches") { _, context in
            let principal = try context.requirePrincipal()
            let site = try market(context.parameters.require("id"), principal)
            return JSONBody.response(["batches": try dependencies.store.batches(site: site.id)])
        }
        group.get("/api/v1/batches/{id}") { _, context in
            let batch = try visibleBatch(context)
            struct Body: Encodable {
                var batch: Batch
                var history: [BatchChange]
            }
            return JSONBody.response(Body(batch: batch, history: try dependencies.store.batchHistory(batch.id)))
        }
        group.post("/api/v1/batches/{id}/inspections") { request, context in
            let batch = try visibleBatch(context)
            let input = try await request.decode(as: InspectionInput.self, context: context)
            let now = dependencies.clock.now()
            // Stored arrival dates were checked on the way in; an unreadable one bounds nothing.
            let arrivedAt = ReportCalendar.china.day(batch.arrivalDate)?.start ?? 0
            let updated = try dependencies.traceability.reinspect(batch.id, try input.inspection(now: now, arrivedAt: arrivedAt),
                                                       actor: AlarmRoutes.actor(try context.requirePrincipal(), named: nil),
                                                       at: now)
            return JSONBody.response(["batch": updated])
        }
        group.post("/api/v1/batches/{id}/recall") { request, context in
            let batch = try visibleBatch(context)
            let body = try await request.decode(as: RecallBody.self, context: context)
            let reason = try BatchInput.text(body.reason, "reason", max: 200)
            _ = try TypedText.optional(body.by, field: "by", characters: AlarmRoutes.maxNameLength)
            guard batch.recall == nil else { throw APIError(.conflict, "already_recalled", "batch '\(batch.id)' is already recalled") }
            let updated = try dependencies.traceability.recall(batch.id, reason: reason,
                                                    actor: AlarmRoutes.actor(try context.requirePrincipal(), named: body.by),
                                                    at: dependencies.clock.now())
            return JSONBody.response(["batch": updated])
        }
        group.get("/api/v1/batches/{id}/tickets") { _, context in
            let batch = try visibleBatch(context)
            struct Body: Encodable {
                var batch: BatchID
                var byStall: [StallSales]
                var tickets: [Ticket]
                enum CodingKeys: String, CodingKey { case batch, byStall = "by_stall", tickets }
            }
            return JSONBody.response(Body(batch: batch.id, byStall: try dependencies.store.sales(batch: batch.id),
                                          tickets: try dependencies.store.tickets(batch: batch.id)))
        }
        group.get("/api/v1/batches/{id}/epcis") { _, context in
            let batch = try visibleBatch(context)
            let document = EPCISExport.document(batch: batch, history: try dependencies.store.batchHistory(batch.id),
                                                tickets: try dependencies.store.tickets(batch: batch.id),
                                                now: dependencies.clock.now())
            var headers = HTTPFields()
            headers[.contentType] = "application/ld+json; charset=utf-8"
            headers[.cacheControl] = CachePolicy.authenticated
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }

    func market(_ raw: String, _ principal: Principal) throws -> SiteConfig {
        guard let id = SiteID(raw), let site = dependencies.sites.site(id) else {
            throw APIError.notFound("no site '\(raw.prefix(64))'")
        }
        guard principal.canSee(site: site.id, region: site.region) else {
            throw APIError.forbidden("this token may not see site '\(id)'")
        }
        guard site.kind == .market else { throw APIError.badRequest("site '\(id)' is a \(site.kind.rawValue), not a market") }
        return site
    }

    func visibleBatch(_ context: GatewayRequestContext) throws -> Batch {
        let principal = try context.requirePrincipal()
        let raw = try context.parameters.require("id")
        guard let id = BatchID(raw), let batch = try dependencies.store.batch(id) else {
            throw APIError.notFound("no batch '\(raw.prefix(64))'")
        }
        // A batch of a market that left the registry is the admin's to see.
        let visible = dependencies.sites.site(batch.site).map { principal.canSee(site: batch.site, region: $0.region) }
            ?? (principal.role == .admin)
        guard visible else { throw APIError.forbidden("this token may not see batch '\(id)'") }
        return batch
    }

    static func newID() -> String {
        "b-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }
}
