import Foundation
import Hummingbird
import KitchenModel
import Ledgers
import StorageModel

/// 陪餐, 进货查验 and 令60's records (docs/ledgers.md), with the scope rules of ``LedgerRoutes``
/// (a site token its own site, a regulator its region, an admin all):
/// `POST /api/v1/sites/{id}/meal-escorts`, `…/purchases`, `…/daily-checks`, `…/weekly-reviews`,
/// `…/monthly-meetings`; `GET …/checklist` (the daily check's template) and `GET …/ledger/duties`
/// (what is done, reminded and overdue). Each POST appends one entry (201) or answers 422 with
/// the refusal's reason and stores nothing; `corrects` names the entry it corrects.
struct LedgerCheckRoutes {
    let dependencies: APIDependencies

    struct EscortBody: Decodable {
        var at_ms: Int64?
        var meal: String?
        var escort: String?
        var escort_role: String?
        var remarks: String?
        var problems: [String]?
        var corrects: Int64?
    }

    struct PurchaseBody: Decodable {
        struct Supplier: Decodable {
            var name: String?
            var address: String?
            var contact: String?
        }
        struct Voucher: Decodable {
            var type: String?
            var number: String?
        }
        var at_ms: Int64?
        var item: String?
        var specification: String?
        var quantity: Double?
        var unit: String?
        var batch: String?
        var production_date: String?
        var shelf_life_days: Int?
        var farm_produce: Bool?
        var supplier: Supplier?
        var voucher: Voucher?
        var inspector: String?
        var accepted: Bool?
        var remark: String?
        var corrects: Int64?
    }

    struct DailyBody: Decodable {
        struct Answer: Decodable {
            var item: String?
            var ok: Bool?
            var note: String?
        }
        var at_ms: Int64?
        var officer: String?
        var items: [Answer]?
        var remark: String?
        var corrects: Int64?
    }

    struct WeeklyBody: Decodable {
        var at_ms: Int64?
        var officer: String?
        var hazards: [String]?
        var measures: String?
        var summary: String?
        var corrects: Int64?
    }

    struct MonthlyBody: Decodable {
        var at_ms: Int64?
        var chair: String?
        var attendees: [String]?
        var minutes: String?
        var decisions: [String]?
        var corrects: Int64?
    }

    struct Answer<Record: Encodable>: Encodable {
        var record: Record
        var entry: LedgerRoutes.EntryView
    }

    func add(to group: RouterGroup<GatewayRequestContext>) {
        let ledger = LedgerRoutes(dependencies: dependencies)
        let book = dependencies.ledgers
        group.post("/api/v1/sites/{id}/meal-escorts") { request, context in
            let site = try ledger.visibleSite(context)
            let source = LedgerRoutes.source(try context.requirePrincipal())
            let body = try await request.decode(as: EscortBody.self, context: context)
            try TypedText.check(body.escort ?? "", field: "escort", characters: 32)
            try TypedText.check(body.remarks ?? "", field: "remarks", characters: 200)
            let record = MealEscortRecord(at: body.at_ms ?? dependencies.clock.now(), meal: body.meal ?? "", escort: body.escort ?? "",
                                          escortRole: body.escort_role ?? "", remarks: body.remarks ?? "", problems: body.problems ?? [])
            let entry = try ledger.refusing { try MealEscortDesk(book: book).record(record, site: site, source: source, corrects: body.corrects) }
            return JSONBody.response(Answer(record: record, entry: .init(entry)), status: .created)
        }
        group.post("/api/v1/sites/{id}/purchases") { request, context in
            let site = try ledger.visibleSite(context)
            let source = LedgerRoutes.source(try context.requirePrincipal())
            let body = try await request.decode(as: PurchaseBody.self, context: context)
            guard let quantity = body.quantity else { throw APIError.badRequest("quantity is required") }
            for (text, field, max) in [(body.item, "item", 64), (body.supplier?.name, "supplier.name", 64),
                                       (body.supplier?.address, "supplier.address", 128), (body.remark, "remark", 200)] {
                try TypedText.check(text ?? "", field: field, characters: max)
            }
            let input = PurchaseInput(
                at: body.at_ms ?? dependencies.clock.now(), item: body.item ?? "", specification: body.specification ?? "",
                quantity: quantity, unit: body.unit ?? "", batch: body.batch ?? "", productionDate: body.production_date ?? "",
                shelfLifeDays: body.shelf_life_days, farmProduce: body.farm_produce ?? false,
                supplier: .init(name: body.supplier?.name ?? "", address: body.supplier?.address ?? "",
                                contact: body.supplier?.contact ?? ""),
                voucher: .init(type: body.voucher?.type ?? "", number: body.voucher?.number ?? ""),
                inspector: body.inspector ?? "", accepted: body.accepted ?? true, remark: body.remark ?? "")
            let made = try ledger.refusing { try PurchaseDesk(book: book).record(input, site: site.id, source: source, corrects: body.corrects) }
            return JSONBody.response(Answer(record: made.record, entry: .init(made.entry)), status: .created)
        }
        group.post("/api/v1/sites/{id}/daily-checks") { request, context in
            let site = try ledger.visibleSite(context)
            let source = LedgerRoutes.source(try context.requirePrincipal())
            let body = try await request.decode(as: DailyBody.self, context: context)
            let answers = try (body.items ?? []).map { answer -> DailyCheckInput.Answer in
                guard let item = answer.item, let ok = answer.ok else { throw APIError.badRequest("each item needs item and ok") }
                try TypedText.check(answer.note ?? "", field: "note", characters: 200)
                return DailyCheckInput.Answer(item: item, ok: ok, note: answer.note ?? "")
            }
            try TypedText.check(body.remark ?? "", field: "remark", characters: 500)
            let input = DailyCheckInput(at: body.at_ms ?? dependencies.clock.now(), officer: body.officer ?? "", answers: answers,
                                        remark: body.remark ?? "")
            let made = try ledger.refusing { try SafetyCheckDesk(book: book).daily(input, site: site, source: source, corrects: body.corrects) }
            return JSONBody.response(Answer(record: made.record, entry: .init(made.entry)), status: .created)
        }
        group.post("/api/v1/sites/{id}/weekly-reviews") { request, context in
            let site = try ledger.visibleSite(context)
            let source = LedgerRoutes.source(try context.requirePrincipal())
            let body = try await request.decode(as: WeeklyBody.self, context: context)
            try TypedText.check(body.summary ?? "", field: "summary", characters: 1_000)
            try TypedText.check(body.measures ?? "", field: "measures", characters: 1_000)
            let input = WeeklyReviewRecord(at: body.at_ms ?? dependencies.clock.now(), officer: body.officer ?? "",
                                           hazards: body.hazards ?? [], measures: body.measures ?? "", summary: body.summary ?? "")
            let made = try ledger.refusing { try SafetyCheckDesk(book: book).weekly(input, site: site.id, source: source, corrects: body.corrects) }
            return JSONBody.response(Answer(record: made.record, entry: .init(made.entry)), status: .created)
        }
        group.post("/api/v1/sites/{id}/monthly-meetings") { request, context in
            let site = try ledger.visibleSite(context)
            let source = LedgerRoutes.source(try context.requirePrincipal())
            let body = try await request.decode(as: MonthlyBody.self, context: context)
            try TypedText.check(body.minutes ?? "", field: "minutes", characters: 2_000)
            let input = MonthlyMeetingRecord(at: body.at_ms ?? dependencies.clock.now(), chair: body.chair ?? "",
                                             attendees: body.attendees ?? [], minutes: body.minutes ?? "", decisions: body.decisions ?? [])
            let made = try ledger.refusing { try SafetyCheckDesk(book: book).monthly(input, site: site.id, source: source, corrects: body.corrects) }
            return JSONBody.response(Answer(record: made.record, entry: .init(made.entry)), status: .created)
        }
        group.get("/api/v1/sites/{id}/checklist") { _, context in
            let site = try ledger.visibleSite(context)
            return JSONBody.response(SafetyChecklist.for(site.kind))
        }
        group.get("/api/v1/sites/{id}/ledger/duties") { _, context in
            let site = try ledger.visibleSite(context)
            let duties = try LedgerDuties.status(site, store: dependencies.store, now: dependencies.clock.now())
            return JSONBody.response(DutiesView(duties))
        }
    }

    /// `GET …/ledger/duties`: each duty's period, done, reminder and the overdue period if any;
    /// each meal service's 陪餐.
    struct DutiesView: Encodable {
        struct Duty: Encodable {
            var duty: LedgerDuty
            var period: String
            var done: Bool
            var reminder: Bool
            var overdue_period: String?
        }
        struct Meal: Encodable {
            var service: String
            var done: Bool
            var reminder: Bool
        }
        var duties: [Duty]
        var meal_escorts: [Meal]
        var reminders: Int
        var overdue: Int

        init(_ d: SiteLedgerDuties) {
            duties = d.duties.map { Duty(duty: $0.duty, period: $0.period.description, done: $0.done, reminder: $0.reminder,
                                         overdue_period: $0.overdue?.description) }
            meal_escorts = d.meals.map { Meal(service: $0.label, done: $0.done, reminder: $0.reminder) }
            reminders = d.reminders
            overdue = d.overdue.count
        }
    }
}
