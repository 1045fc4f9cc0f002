import KitchenModel
import Ledgers
import StorageModel

/// The sheet's other ledgers for the day (docs/ledgers.md "Daily sheet"): 陪餐, 进货查验, 令60's
/// daily check, the week's review and the month's meeting, and what the site is reminded of or
/// overdue with, as of the day's end (or now, for today).
public struct DayRecords: Sendable {
    public var escorts: [MealEscortRecord] = []
    public var purchases: [PurchaseRecord] = []
    public var dailyChecks: [DailyCheckRecord] = []
    public var weeklyReviews: [WeeklyReviewRecord] = []
    public var monthlyMeetings: [MonthlyMeetingRecord] = []
    public var duties: SiteLedgerDuties?

    public static let empty = DayRecords()

    static func build(site: SiteConfig, day: CivilDay, store: any LedgerEntryStore, now: EpochMillis) throws -> DayRecords {
        let week = LedgerPeriod(.week, containing: day)
        let month = LedgerPeriod(.month, containing: day)
        var records = DayRecords()
        records.escorts = try MealEscortDesk.records(site.id, on: day, store: store)
        records.purchases = try PurchaseDesk.records(site.id, on: day, store: store)
        records.dailyChecks = try SafetyCheckDesk.records(DailyCheckRecord.self, kind: SafetyCheckDesk.dailyKind, site: site.id,
                                                          in: LedgerPeriod(.day, containing: day), store: store)
        records.weeklyReviews = try SafetyCheckDesk.records(WeeklyReviewRecord.self, kind: SafetyCheckDesk.weeklyKind, site: site.id,
                                                            in: week, store: store)
        records.monthlyMeetings = try SafetyCheckDesk.records(MonthlyMeetingRecord.self, kind: SafetyCheckDesk.monthlyKind,
                                                              site: site.id, in: month, store: store)
        records.duties = try LedgerDuties.status(site, store: store, now: min(now, day.start + 86_400_000 - 1))
        return records
    }
}

extension DailyLedgerSheet {
    /// CSV rows after the workers': `site, date, <kind>, <fields…>`, padded to the sheet's 18 columns.
    func recordRows(calendar: ReportCalendar) -> [[String]] {
        let r = records
        func row(_ kind: String, _ fields: [String]) -> [String] {
            let cells = [site.id.rawValue, day.description, kind] + fields
            return cells + Array(repeating: "", count: max(0, 18 - cells.count))
        }
        var rows: [[String]] = []
        for e in r.escorts {
            rows.append(row("meal-escort", [calendar.timestamp(e.at), e.meal, e.escort, e.escortRole, e.remarks,
                                            e.problems.joined(separator: ";")]))
        }
        for p in r.purchases {
            let i = p.purchase
            rows.append(row("purchase", [calendar.timestamp(i.at), i.item, i.specification, CSV.number(i.quantity), i.unit, i.batch,
                                         i.productionDate, p.bestBefore ?? "", i.supplier.name, i.supplier.address, i.supplier.contact,
                                         "\(i.voucher.type) \(i.voucher.number)", p.inspectorName, i.accepted ? "accepted" : "rejected",
                                         "keep until \(p.keepUntil)"]))
        }
        for d in r.dailyChecks {
            let faults = d.check.answers.filter { !$0.ok }.map { "\($0.item): \($0.note)" }.joined(separator: ";")
            rows.append(row("daily-check", [calendar.timestamp(d.check.at), d.officerName, d.checklist,
                                            "\(d.check.answers.count - d.problems)/\(d.check.answers.count) ok", faults, d.check.remark]))
        }
        for w in r.weeklyReviews {
            rows.append(row("weekly-review", [calendar.timestamp(w.at), w.officerName, w.week, w.hazards.joined(separator: ";"),
                                              w.measures, w.summary]))
        }
        for m in r.monthlyMeetings {
            rows.append(row("monthly-meeting", [calendar.timestamp(m.at), m.chairName, m.month, m.attendees.joined(separator: ";"),
                                                m.minutes, m.decisions.joined(separator: ";")]))
        }
        for due in dueItems { rows.append(row(due.overdue ? "overdue" : "reminder", [due.key, due.period])) }
        return rows
    }

    /// What is reminded (not done near its deadline) or overdue (its period ended without it).
    public var dueItems: [(key: String, title: String, period: String, overdue: Bool)] {
        guard let duties = records.duties else { return [] }
        var items: [(key: String, title: String, period: String, overdue: Bool)] = []
        for d in duties.duties {
            if let missed = d.overdue { items.append((d.duty.rawValue, d.duty.titleZH, missed.description, true)) }
            if d.reminder { items.append((d.duty.rawValue, d.duty.titleZH, d.period.description, false)) }
        }
        for meal in duties.meals where meal.reminder { items.append(("meal-escort", "陪餐", meal.label, false)) }
        return items
    }

    func recordsHTML(calendar: ReportCalendar) -> String {
        let e = ReportPage.escape
        let r = records
        var html = ""
        if let duties = r.duties, !duties.meals.isEmpty || !r.escorts.isEmpty {
            let rows = r.escorts.map { x in
                "<tr><td>\(calendar.timestamp(x.at))</td><td>\(e(x.meal))</td><td>\(e(x.escort))</td><td>\(e(x.escortRole))</td>"
                    + "<td>\(e(x.problems.isEmpty ? "无" : x.problems.joined(separator: "；")))</td><td>\(e(x.remarks))</td></tr>"
            }.joined()
            html += "<h2>陪餐记录</h2><p>餐次 \(duties.meals.filter(\.done).count) / \(duties.meals.count) 已陪餐</p>"
                + "<table><thead><tr><th>时间</th><th>餐次</th><th>陪餐人</th><th>身份</th><th>发现问题</th><th>备注</th></tr></thead>"
                + "<tbody>\(rows.isEmpty ? "<tr><td colspan=6>无</td></tr>" : rows)</tbody></table>"
        }
        let purchases = r.purchases.map { p in
            let i = p.purchase
            return "<tr><td>\(e(i.item)) \(e(i.specification))</td><td>\(CSV.number(i.quantity)) \(e(i.unit))</td>"
                + "<td>\(e(i.batch)) \(e(i.productionDate))</td><td>\(e(p.bestBefore ?? "—"))</td>"
                + "<td>\(e(i.supplier.name))<br>\(e(i.supplier.address)) \(e(i.supplier.contact))</td>"
                + "<td>\(e(i.voucher.type)) \(e(i.voucher.number))</td><td>\(e(p.inspectorName))\(i.accepted ? "" : "（拒收）")</td>"
                + "<td>\(e(p.keepUntil))</td></tr>"
        }.joined()
        html += "<h2>进货查验</h2><table><thead><tr><th>品名规格</th><th>数量</th><th>批号/生产日期</th><th>保质期至</th>"
            + "<th>供货者</th><th>票证</th><th>查验人</th><th>保存至</th></tr></thead>"
            + "<tbody>\(purchases.isEmpty ? "<tr><td colspan=8>当日无进货</td></tr>" : purchases)</tbody></table>"
        let daily = r.dailyChecks.map { d in
            let faults = d.check.answers.filter { !$0.ok }.map { "\($0.item)：\($0.note)" }
            return "<li>\(calendar.timestamp(d.check.at)) \(e(d.officerName))：\(d.check.answers.count - d.problems) / "
                + "\(d.check.answers.count) 项合格\(faults.isEmpty ? "" : "；问题：" + e(faults.joined(separator: "；")))</li>"
        }.joined()
        let weekly = r.weeklyReviews.map { w in
            "<li>周排查 \(e(w.week)) \(e(w.officerName))：\(e(w.summary))\(w.hazards.isEmpty ? "" : "；隐患：" + e(w.hazards.joined(separator: "；")))</li>"
        }.joined()
        let monthly = r.monthlyMeetings.map { m in
            "<li>月调度 \(e(m.month)) 主持 \(e(m.chairName))，\(m.attendees.count) 人参会：\(e(m.minutes))</li>"
        }.joined()
        html += "<h2>日管控 · 周排查 · 月调度</h2><ul>\(daily.isEmpty ? "<li><b>当日无日管控记录</b></li>" : daily)\(weekly)\(monthly)</ul>"
        let due = dueItems.map { item in
            "<li>\(item.overdue ? "<b>已逾期（已报监管）</b>" : "提醒") \(e(item.title)) \(e(item.period))</li>"
        }.joined()
        if !due.isEmpty { html += "<h2>待补台账</h2><ul>\(due)</ul>" }
        return html
    }
}

extension SafetyCheckDesk {
    /// The site's records of `kind` made in `period` (corrections applied), in chain order.
    public static func records<T: Decodable>(_ type: T.Type, kind: String, site: SiteID, in period: LedgerPeriod,
                                             store: any LedgerEntryStore) throws -> [T] {
        let entries = try store.ledgerEntries(site: site, kind: kind)
        let corrected = Set(entries.compactMap(\.corrects))
        return entries.filter { !corrected.contains($0.seq) && period.contains($0.at) }
            .compactMap { try? LedgerBody.decode(T.self, from: $0.body) }
    }
}
