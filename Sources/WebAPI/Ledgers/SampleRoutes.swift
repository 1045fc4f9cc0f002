import Foundation
import Hummingbird
import KitchenModel
import Ledgers
import StorageModel

/// 留样 routes (docs/ledgers.md "留样 samples"), with the scope rules of the other ledger routes:
/// `GET/POST /api/v1/sites/{id}/meal-plan`, `GET/POST /api/v1/sites/{id}/samples`,
/// `POST /api/v1/sites/{id}/sample-removals`. Append-only like every ledger: a correction is a new
/// sample naming the one it corrects. An impossible entry is answered 422 with the refusal's
/// reason (`negative-value`, `future-time`, `unknown-meal`, `unknown-dish`, `unknown-fridge` …)
/// and stores nothing.
struct SampleRoutes {
    let dependencies: APIDependencies
    var ledger: LedgerRoutes { LedgerRoutes(dependencies: dependencies) }

    struct MealBody: Decodable {
        var meal: String?
        var ends: String?
        var dishes: [String]?
    }

    struct PlanBody: Decodable {
        var date: String?
        var meals: [MealBody]?
    }

    struct SampleBody: Decodable {
        var meal: String?
        var dish: String?
        var grams: Double?
        var at_ms: Int64?
        var by: String?
        var reviewer: String?
        var fridge: String?
        var box: String?
        var remark: String?
        var corrects: Int64?
    }

    struct RemovalBody: Decodable {
        /// Seqs of the `sample` entries taken out; or `fridge` and `box` naming one still in.
        var samples: [Int64]?
        var fridge: String?
        var box: String?
        var at_ms: Int64?
        var by: String?
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        group.get("/api/v1/sites/{id}/meal-plan") { request, context in
            let site = try ledger.visibleSite(context)
            let day = try Self.day(request, now: dependencies.clock.now())
            let plans = try MealPlanDesk(book: dependencies.ledgers).plans(site.id)
            struct Answer: Encodable {
                var date: String
                var plan: MealPlan?
                var standing: MealPlan?
            }
            return JSONBody.response(Answer(date: day.description, plan: plans.plan(on: day), standing: plans.standing))
        }
        group.post("/api/v1/sites/{id}/meal-plan") { request, context in
            let site = try ledger.visibleSite(context)
            let principal = try context.requirePrincipal()
            let body = try await request.decode(as: PlanBody.self, context: context)
            var meals: [PlannedMeal] = []
            for raw in body.meals ?? [] {
                guard let meal = raw.meal.flatMap(Meal.init(rawValue:)) else {
                    throw APIError.badRequest("meal must be one of " + Meal.allCases.map(\.rawValue).joined(separator: ", "))
                }
                for dish in raw.dishes ?? [] { try TypedText.check(dish, field: "dish", characters: 32) }
                meals.append(PlannedMeal(meal: meal, ends: raw.ends, dishes: raw.dishes ?? []))
            }
            guard !meals.isEmpty else { throw APIError.badRequest("meals must list at least one meal") }
            let plan = MealPlan(date: body.date, meals: meals)
            let entry = try ledger.refusing {
                try MealPlanDesk(book: dependencies.ledgers).record(plan, site: site.id, source: LedgerRoutes.source(principal))
            }
            struct Answer: Encodable {
                var plan: MealPlan
                var entry: LedgerRoutes.EntryView?
            }
            return JSONBody.response(Answer(plan: plan, entry: entry.map(LedgerRoutes.EntryView.init)),
                                     status: entry == nil ? .ok : .created)
        }
        group.post("/api/v1/sites/{id}/samples") { request, context in
            let site = try ledger.visibleSite(context)
            let principal = try context.requirePrincipal()
            let body = try await request.decode(as: SampleBody.self, context: context)
            guard let mealText = body.meal, let dish = body.dish, let grams = body.grams, let fridge = body.fridge else {
                throw APIError.badRequest("meal, dish, grams and fridge are required")
            }
            guard let meal = Meal(rawValue: mealText) else {
                throw APIError(.unprocessableContent, "unknown-meal",
                               "meal must be one of " + Meal.allCases.map(\.rawValue).joined(separator: ", "))
            }
            for (field, text, limit) in [("dish", dish, 32), ("by", body.by ?? "", 64), ("reviewer", body.reviewer ?? "", 64),
                                         ("fridge", fridge, 64), ("box", body.box ?? "", 16), ("remark", body.remark ?? "", 200)] {
                try TypedText.check(text, field: field, characters: limit)
            }
            let input = SampleInput(meal: meal, dish: dish, grams: grams, at: body.at_ms ?? dependencies.clock.now(),
                                    by: body.by ?? AlarmRoutes.actor(principal, named: nil), reviewer: body.reviewer ?? "",
                                    fridge: fridge, box: body.box ?? "", remark: body.remark ?? "")
            let recorded = try ledger.refusing {
                try SampleDesk(book: dependencies.ledgers).record(input, site: site.id, source: LedgerRoutes.source(principal),
                                                                  fridges: fridges(site.id), corrects: body.corrects)
            }
            struct Answer: Encodable {
                var record: SampleRecord
                var entry: LedgerRoutes.EntryView
            }
            return JSONBody.response(Answer(record: recorded.record, entry: LedgerRoutes.EntryView(recorded.entry)), status: .created)
        }
        group.get("/api/v1/sites/{id}/samples") { request, context in
            let site = try ledger.visibleSite(context)
            let now = dependencies.clock.now()
            let day = try Self.day(request, now: now)
            let sheet = try SampleDay.build(site: site.id, day: day, ledger: dependencies.store, readings: dependencies.store, now: now)
            return JSONBody.response(SampleDayView(sheet))
        }
        group.post("/api/v1/sites/{id}/sample-removals") { request, context in
            let site = try ledger.visibleSite(context)
            let principal = try context.requirePrincipal()
            let body = try await request.decode(as: RemovalBody.self, context: context)
            try TypedText.check(body.by ?? "", field: "by", characters: 64)
            let at = body.at_ms ?? dependencies.clock.now()
            guard at <= dependencies.clock.now() + LedgerBook.futureTolerance else {
                throw APIError(.unprocessableContent, "future-time", "at_ms is in the future")
            }
            let desk = SampleDesk(book: dependencies.ledgers)
            var seqs = body.samples ?? []
            if let fridge = body.fridge, let box = body.box {
                guard let kept = try desk.log(site.id, since: at - SampleDesk.lookback, until: at + 1).inFridge(fridge, box: box) else {
                    throw APIError(.unprocessableContent, "unknown-sample", "no sample is in box '\(box.prefix(16))' of '\(fridge.prefix(64))'")
                }
                seqs.append(kept.seq)
            }
            guard !seqs.isEmpty, seqs.count <= 64 else {
                throw APIError.badRequest("name 1-64 samples by their seq (samples) or one by fridge and box")
            }
            let made = try ledger.refusing {
                try desk.remove(seqs, at: at, by: body.by ?? AlarmRoutes.actor(principal, named: nil), site: site.id,
                                source: LedgerRoutes.source(principal))
            }
            struct Answer: Encodable {
                var removals: [SampleRemoval]
                var entries: [LedgerRoutes.EntryView]
            }
            return JSONBody.response(Answer(removals: made.map(\.removal), entries: made.map { LedgerRoutes.EntryView($0.entry) }),
                                     status: .created)
        }
    }

    /// The site's devices a sample may be kept in: its 留样柜 and thermometers.
    private func fridges(_ site: SiteID) -> Set<String> {
        Set(dependencies.sites.devices(ofSite: site).filter { $0.kind == .sampler || $0.kind == .thermo }.map(\.key.device.rawValue))
    }

    static func day(_ request: Request, now: EpochMillis) throws -> CivilDay {
        try request.uri.queryParameters.get("date").map { text -> CivilDay in
            guard let day = CivilDay(text) else { throw APIError.badRequest("date must be YYYY-MM-DD") }
            return day
        } ?? CivilDay(containing: now)
    }
}

/// `GET …/samples`: the day's planned dishes with their samples and how each is kept.
struct SampleDayView: Encodable {
    struct Line: Encodable {
        var meal: String
        var dish: String
        var due_ms: Int64
        /// `sampled`, `underweight`, `missing` (service over, no sample of ≥ 125 g) or `due`.
        var status: String
        var samples: [SampleView]
    }

    struct SampleView: Encodable {
        var seq: Int64
        var source: String
        var record: SampleRecord
        var removal: SampleRemoval?
        /// `keeping`, `kept`, `removed-early`, `excursion`.
        var keeping: String
        var excursion_c: Double?
        var excursion_ms: Int64?
    }

    var date: String
    var planned: Int
    var sampled: Int
    var missing: Int
    var dishes: [Line]
    /// Samples of the day whose dish the plan no longer lists.
    var unplanned: [SampleView]

    init(_ day: SampleDay) {
        func view(_ s: KeptSample) -> SampleView {
            let keeping = day.keeping[s.seq] ?? .keeping
            var v = SampleView(seq: s.seq, source: s.source, record: s.record, removal: s.removal, keeping: keeping.word)
            if case .excursion(let e) = keeping {
                v.excursion_c = e.celsius
                v.excursion_ms = e.at
            }
            return v
        }
        date = day.day.description
        planned = day.lines.count
        sampled = day.lines.filter { $0.status == .sampled }.count
        missing = day.lines.filter { $0.status == .missing }.count
        dishes = day.lines.map { Line(meal: $0.meal.rawValue, dish: $0.dish, due_ms: $0.due, status: $0.status.rawValue,
                                      samples: $0.samples.map(view)) }
        unplanned = day.unplanned.map(view)
    }
}
