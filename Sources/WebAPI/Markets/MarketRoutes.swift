import Foundation
import Hummingbird
import KitchenModel
import Reports
import StorageModel

/// A market's records under 令81 (docs/markets.md), for its own token and its regulators:
/// stall-holder files, each day's rapid-test plan with its results, and the 承诺达标合格证 of a batch.
struct MarketRoutes {
    let dependencies: APIDependencies
    var batches: BatchRoutes { BatchRoutes(dependencies: dependencies) }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.put("/api/v1/sites/{id}/stall-holders/{holder}") { request, context in
            let site = try batches.market(context.parameters.require("id"), context.requirePrincipal())
            let input = try await request.decode(as: StallHolderInput.self, context: context)
            let holder = try input.holder(id: context.parameters.require("holder"), site: site)
            let existed = try dependencies.store.marketRecord(site: site.id, kind: .stallHolder, key: holder.id) != nil
            try dependencies.store.putMarketRecord(MarketRecord(site: site.id, kind: .stallHolder, key: holder.id,
                                                                body: String(decoding: JSONBody.encode(holder), as: UTF8.self),
                                                                updatedAt: dependencies.clock.now()))
            return JSONBody.response(["holder": holder], status: existed ? .ok : .created)
        }
        group.get("/api/v1/sites/{id}/stall-holders") { _, context in
            let site = try batches.market(context.parameters.require("id"), context.requirePrincipal())
            return JSONBody.response(["holders": try MarketFiles.holders(site.id, store: dependencies.store)])
        }
        group.put("/api/v1/sites/{id}/rapid-tests/{day}") { request, context in
            let principal = try context.requirePrincipal()
            let site = try batches.market(context.parameters.require("id"), principal)
            let day = try StallHolderInput.date(context.parameters.require("day"), "day")
            let input = try await request.decode(as: RapidTestPlanInput.self, context: context)
            let plan = try input.plan(day: day, by: AlarmRoutes.actor(principal, named: nil))
            try dependencies.store.putMarketRecord(MarketRecord(site: site.id, kind: .testPlan, key: day,
                                                                body: String(decoding: JSONBody.encode(plan), as: UTF8.self),
                                                                updatedAt: dependencies.clock.now()))
            return JSONBody.response(try MarketFiles.testDay(site.id, day: day, store: dependencies.store))
        }
        group.get("/api/v1/sites/{id}/rapid-tests/{day}") { _, context in
            let site = try batches.market(context.parameters.require("id"), context.requirePrincipal())
            let day = try StallHolderInput.date(context.parameters.require("day"), "day")
            return JSONBody.response(try MarketFiles.testDay(site.id, day: day, store: dependencies.store))
        }
        group.post("/api/v1/batches/{id}/certificate") { request, context in
            let batch = try batches.visibleBatch(context)
            let certificate = try await request.decode(as: CertificateInput.self, context: context).certificate()
            do {
                let updated = try dependencies.traceability.certify(batch.id, certificate,
                                                                    actor: AlarmRoutes.actor(try context.requirePrincipal(), named: nil),
                                                                    at: dependencies.clock.now())
                return JSONBody.response(["batch": updated])
            } catch let problem as CertificateProblem {
                throw APIError(.unprocessableContent, "certificate_mismatch", problem.description)
            }
        }
    }
}

/// Reads a market's records back: the holders' files, a day's plan with the results recorded
/// on the batches inspected that day.
enum MarketFiles {
    static func holders(_ site: SiteID, store: any GatewayStore) throws -> [StallHolder] {
        try store.marketRecords(site: site, kind: .stallHolder).compactMap {
            try? JSONDecoder().decode(StallHolder.self, from: Data($0.body.utf8))
        }
    }

    struct TestResult: Encodable {
        var batch: String
        var stall: String?
        var item: String
        var passed: Bool
        var items: [String]
        var tester: String?
        var at: EpochMillis
    }

    struct TestDay: Encodable {
        var day: String
        var plan: RapidTestPlan?
        var results: [TestResult]
        /// Planned items without a result that day.
        var untested: [String]
    }

    static func testDay(_ site: SiteID, day: String, store: any GatewayStore) throws -> TestDay {
        let plan = try store.marketRecord(site: site, kind: .testPlan, key: day)
            .flatMap { try? JSONDecoder().decode(RapidTestPlan.self, from: Data($0.body.utf8)) }
        let calendar = ReportCalendar.china
        let results = try store.batches(site: site, limit: 5_000).compactMap { batch -> TestResult? in
            guard let inspection = batch.inspection, inspection.method == .rapidTest,
                  calendar.dayText(inspection.at) == day else { return nil }
            return TestResult(batch: batch.id.rawValue, stall: batch.stall, item: batch.item, passed: inspection.passed,
                              items: inspection.items, tester: inspection.tester, at: inspection.at)
        }
        let tested = Set(results.map(\.item))
        return TestDay(day: day, plan: plan, results: results.sorted { $0.at < $1.at },
                       untested: plan?.lines.map(\.item).filter { !tested.contains($0) } ?? [])
    }
}
