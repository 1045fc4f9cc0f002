import KitchenModel
import Ledgers
import StorageModel
import TestSupport
import Testing

/// 陪餐, 进货查验 and 令60's daily check, weekly review and monthly meeting: recorded into the
/// chain, corrected by new entries, and impossible ones refused with a reason and nothing stored.
@Suite struct LedgerChecksTests {
    /// canteen-01 as a school canteen with three meal services.
    static func schoolSite(_ kind: SiteKind = .canteen) throws -> SiteConfig {
        SiteConfig(id: canteen, name: "第一中学食堂", kind: kind, region: RegionCode("420106")!,
                   hours: try OperatingHours(parsing: "06:30-08:30,11:00-13:00,17:00-19:00"))
    }

    /// A cook and a food-safety officer on the staff.
    static func staff(_ f: LedgerFixture) throws {
        let desk = StaffDesk(book: f.book)
        try desk.record(StaffTests.worker("w-001"), site: canteen, source: "test")
        try desk.record(StaffTests.worker("w-009", role: "food-safety-officer"), site: canteen, source: "test")
    }

    static func purchase(at: EpochMillis, produced: String = "2026-11-15", shelfLife: Int? = 180, farm: Bool = false,
                         inspector: String = "w-001") -> PurchaseInput {
        PurchaseInput(at: at, item: "大米", specification: "25 kg/袋", quantity: 4, unit: "袋", batch: "B-1115",
                      productionDate: produced, shelfLifeDays: shelfLife, farmProduce: farm,
                      supplier: .init(name: "武汉粮油公司", address: "武汉市洪山区", contact: "027-8888"),
                      voucher: .init(type: "test-report", number: "JC-2026-1"), inspector: inspector)
    }

    static func answers(_ kind: SiteKind = .canteen) -> [DailyCheckInput.Answer] {
        SafetyChecklist.for(kind).items.map { DailyCheckInput.Answer(item: $0.id, ok: true) }
    }

    @Test func purchaseRetentionFollowsTheShelfLifeOrTheKindOfGoods() throws {
        let at = dayOne + 9 * hour   // received 2026-11-20
        let dated = try PurchaseDesk.dates(Self.purchase(at: at, produced: "2026-11-15", shelfLife: 10))
        #expect(dated.bestBefore?.description == "2026-11-24" && dated.keepUntil.description == "2027-05-24",
                "shelf life + 6 months")
        let none = try PurchaseDesk.dates(Self.purchase(at: at, produced: "", shelfLife: nil))
        #expect(none.bestBefore == nil && none.keepUntil.description == "2028-11-20", "2 years without a shelf life")
        let farm = try PurchaseDesk.dates(Self.purchase(at: at, produced: "", shelfLife: nil, farm: true))
        #expect(farm.keepUntil.description == "2027-05-20", "farm produce: 6 months")
        do {
            _ = try PurchaseDesk.dates(Self.purchase(at: at, produced: "2026-11-01", shelfLife: 10))   // last day 2026-11-10
            Issue.record("goods past their shelf life at receipt were accepted")
        } catch let refusal as LedgerRefusal {
            #expect(refusal.reason == "expired-at-receipt")
        }
        let lastDay = try PurchaseDesk.dates(Self.purchase(at: at, produced: "2026-11-11", shelfLife: 10))
        #expect(lastDay.bestBefore?.description == "2026-11-20", "received on its last good day: accepted")
        #expect(try #require(CivilDay("2026-08-31")).adding(months: 6).description == "2027-02-28")
    }

    @Test func periodsAreChinaDaysIsoWeeksAndCalendarMonths() throws {
        let friday = try #require(CivilDay("2026-11-20"))
        #expect(friday.weekday == 4)
        #expect(LedgerPeriod(.week, containing: friday).description == "2026-11-16/2026-11-22")
        #expect(LedgerPeriod(.month, containing: friday).description == "2026-11")
        #expect(LedgerPeriod(.month, containing: friday).previous.description == "2026-10")
        #expect(LedgerPeriod(.day, containing: friday).previous.description == "2026-11-19")
        // The edges of the dates a sheet may be asked for have periods on both sides.
        let last = try #require(CivilDay("9999-12-31"))
        #expect(LedgerPeriod(.month, containing: last).end.description == "10000-01-01")
        #expect(LedgerPeriod(.week, containing: last).description == "9999-12-27/10000-01-02")
        #expect(LedgerPeriod(.day, containing: try #require(CivilDay("1970-01-01"))).previous.description == "1969-12-31")
        #expect(CivilDay(containing: dayOne).description == "2026-11-20" && CivilDay(containing: dayOne - 1).description == "2026-11-19")
        #expect(CivilDay(containing: -8 * hour).description == "1970-01-01" && CivilDay(containing: -8 * hour - 1).description == "1969-12-31")
        #expect(CivilDay(containing: EpochMillis.max).number == 106_751_991_167, "no trap, whatever the time")
        let week = LedgerPeriod(.week, containing: friday)
        #expect(week.contains(friday.start) && !week.contains(week.end.start) && week.contains(week.end.start - 1))
    }

    @Test(arguments: StoreBackend.allCases) func recordsAreChainedAndCorrectedByNewEntries(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        try Self.staff(f)
        let site = try Self.schoolSite()
        let now = f.clock.now
        let escort = try MealEscortDesk(book: f.book).record(
            MealEscortRecord(at: now, meal: "breakfast", escort: "李校长", escortRole: "leader", problems: ["粥偏凉"]),
            site: site, source: "api:李校长")
        #expect(escort.kind == "meal-escort")
        let bought = try PurchaseDesk(book: f.book).record(Self.purchase(at: now), site: canteen, source: "api:w-001")
        #expect(bought.record.inspectorName == "王芳" && bought.record.keepUntil == "2027-11-13")
        var fixed = Self.purchase(at: now)
        fixed.quantity = 5
        let correction = try PurchaseDesk(book: f.book).record(fixed, site: canteen, source: "api:w-001", corrects: bought.entry.seq)
        #expect(correction.entry.corrects == bought.entry.seq)
        #expect(try PurchaseDesk.records(canteen, on: CivilDay(containing: now), store: f.store).map(\.purchase.quantity) == [5],
                "the correction is read in place of what it corrects")
        var answers = Self.answers()
        answers[2] = .init(item: answers[2].item, ok: false, note: "冷藏柜温度 9 °C，已调整")
        let daily = try SafetyCheckDesk(book: f.book).daily(DailyCheckInput(at: now, officer: "w-009", answers: answers),
                                                            site: site, source: "api:w-009")
        #expect(daily.record.problems == 1 && daily.record.checklist == "canteen-1")
        let weekly = try SafetyCheckDesk(book: f.book).weekly(
            WeeklyReviewRecord(at: now, officer: "w-009", hazards: ["库房纱窗破损"], measures: "已更换", summary: "一处隐患已整改"),
            site: canteen, source: "api:w-009")
        #expect(weekly.record.week == "2026-11-16/2026-11-22")
        let monthly = try SafetyCheckDesk(book: f.book).monthly(
            MonthlyMeetingRecord(at: now, chair: "w-009", attendees: ["w-001", "w-009"], minutes: "总结本月，部署下月"),
            site: canteen, source: "api:w-009")
        #expect(monthly.record.month == "2026-11" && monthly.record.chairName == "王芳")
        let kinds = try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100).map(\.kind)
        #expect(kinds == ["staff", "staff", "meal-escort", "purchase", "purchase", "daily-check", "weekly-review", "monthly-meeting"])
        #expect(try f.verify().intact)
    }

    @Test(arguments: StoreBackend.allCases) func aCorrectionFiledAnotherDayStillReplacesWhatItCorrects(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        try Self.staff(f)
        let desk = PurchaseDesk(book: f.book)
        let friday = CivilDay(containing: f.clock.now)
        let original = try desk.record(Self.purchase(at: f.clock.now), site: canteen, source: "t")
        f.clock.now += 24 * hour
        var fixed = Self.purchase(at: f.clock.now)   // typed in the next day, time left at "now"
        fixed.batch = "B-1116"
        try desk.record(fixed, site: canteen, source: "t", corrects: original.entry.seq)
        #expect(try PurchaseDesk.records(canteen, on: friday, store: f.store).isEmpty, "the corrected entry is no longer read")
        #expect(try PurchaseDesk.records(canteen, on: friday.adding(days: 1), store: f.store).map(\.purchase.batch) == ["B-1116"])
        #expect(try f.store.ledgerEntries(site: canteen, kind: PurchaseDesk.kind).count == 2, "both stay in the chain")
    }

    @Test(arguments: StoreBackend.allCases) func impossibleRecordsAreRefusedWithAReasonAndNothingIsStored(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        try Self.staff(f)
        let site = try Self.schoolSite()
        let now = f.clock.now
        let before = try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100)
        let checks = SafetyCheckDesk(book: f.book)
        var unknownItem = Self.answers()
        unknownItem.append(.init(item: "fortune-telling", ok: true))
        var unanswered = Self.answers()
        unanswered.removeLast()
        var negative = Self.purchase(at: now)
        negative.quantity = -2
        var cases: [(String, () throws -> Any)] = [
            ("unknown-worker", { try PurchaseDesk(book: f.book).record(Self.purchase(at: now, inspector: "w-404"), site: canteen, source: "t") }),
            ("expired-at-receipt", { try PurchaseDesk(book: f.book).record(Self.purchase(at: now, produced: "2026-01-01", shelfLife: 30),
                                                                           site: canteen, source: "t") }),
            ("negative-value", { try PurchaseDesk(book: f.book).record(negative, site: canteen, source: "t") }),
            ("unknown-correction", { try PurchaseDesk(book: f.book).record(Self.purchase(at: now), site: canteen, source: "t", corrects: 99) }),
            ("unknown-correction", { try PurchaseDesk(book: f.book).record(Self.purchase(at: now), site: canteen, source: "t", corrects: 1) }),
            ("future-time", { try PurchaseDesk(book: f.book).record(Self.purchase(at: now + 2 * hour), site: canteen, source: "t") }),
            ("unknown-item", { try checks.daily(DailyCheckInput(at: now, officer: "w-009", answers: unknownItem), site: site, source: "t") }),
            ("missing-item", { try checks.daily(DailyCheckInput(at: now, officer: "w-009", answers: unanswered), site: site, source: "t") }),
            ("wrong-role", { try checks.daily(DailyCheckInput(at: now, officer: "w-001", answers: Self.answers()), site: site, source: "t") }),
            ("unknown-worker", { try checks.weekly(WeeklyReviewRecord(at: now, officer: "w-404", summary: "x"), site: canteen, source: "t") }),
            ("invalid-value", { try checks.weekly(WeeklyReviewRecord(at: now, officer: "w-009", hazards: ["鼠迹"], summary: "x"),
                                                  site: canteen, source: "t") }),   // hazards without measures
            ("unknown-worker", { try checks.monthly(MonthlyMeetingRecord(at: now, chair: "w-009", attendees: ["w-001", "w-404"], minutes: "x"),
                                                    site: canteen, source: "t") }),
            ("invalid-value", { try MealEscortDesk(book: f.book).record(MealEscortRecord(at: now, meal: "brunch", escort: "李", escortRole: "leader"),
                                                                        site: site, source: "t") }),
            ("not-applicable", { try MealEscortDesk(book: f.book).record(MealEscortRecord(at: now, meal: "lunch", escort: "李", escortRole: "leader"),
                                                                         site: try Self.schoolSite(.restaurant), source: "t") }),
        ]
        // Times with no China day: refused before any day arithmetic, by every desk.
        let long = EpochMillis.max - 1
        for at in [-86_400_000, long] {   // 1969-12-31; past the calendar
            let reason = at < 0 ? "invalid-time" : "future-time"
            var bought = Self.purchase(at: at)
            bought.productionDate = ""
            cases += [
                (reason, { try PurchaseDesk(book: f.book).record(bought, site: canteen, source: "t") }),
                (reason, { try MealEscortDesk(book: f.book).record(MealEscortRecord(at: at, meal: "lunch", escort: "李", escortRole: "leader"),
                                                                   site: site, source: "t") }),
                (reason, { try checks.daily(DailyCheckInput(at: at, officer: "w-009", answers: Self.answers()), site: site, source: "t") }),
                (reason, { try checks.weekly(WeeklyReviewRecord(at: at, officer: "w-009", summary: "x"), site: canteen, source: "t") }),
                (reason, { try checks.monthly(MonthlyMeetingRecord(at: at, chair: "w-009", attendees: ["w-009"], minutes: "x"),
                                              site: canteen, source: "t") }),
                // A 晨检仪's `ts` may be up to 2^53 ms (year 287,396): refused, never a trap on the MQTT thread.
                (reason, { try MorningCheckDesk(book: f.book).record(
                    MorningCheckEvent(worker: "w-001", via: .card, temperatureC: 36.5, handsOK: true, uniformOK: true),
                    device: DeviceID("checker-1")!, site: canteen, at: at < 0 ? 0 : 1 << 53, boot: 1, seq: 1) }),
                (reason, { try MorningCheckDesk(book: f.book).record(MorningCheckInput(worker: "w-001", at: at, temperatureC: 36.5, checker: "x"),
                                                                     site: canteen, source: "t") }),
            ]
        }
        for (index, (reason, attempt)) in cases.enumerated() {
            do {
                _ = try attempt()
                Issue.record("case \(index) (\(reason)) was stored")
            } catch let refusal as LedgerRefusal {
                #expect(refusal.reason == reason, "case \(index): \(refusal.message)")
            }
        }
        #expect(try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100) == before)
    }
}
