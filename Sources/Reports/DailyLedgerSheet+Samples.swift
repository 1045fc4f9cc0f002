import KitchenModel
import Ledgers
import StorageModel

/// The 留样 part of the daily sheet (docs/ledgers.md "留样 samples"): each planned dish with its
/// sample (or that it is missing) and how the sample is kept.
extension DailyLedgerSheet {
    static func sampleDay(site: SiteID, day: CivilDay, book: LedgerBook) throws -> SampleDay? {
        // Every real store also answers readings; a ledger-only store just has no fridge to check.
        guard let readings = book.store as? any ReadingQueries else { return nil }
        let samples = try SampleDay.build(site: site, day: day, ledger: book.store, readings: readings, now: book.now)
        return samples.hasPlan || !samples.unplanned.isEmpty ? samples : nil
    }

    /// CSV rows after the morning checks, in the same 18 columns.
    func sampleRows(calendar: ReportCalendar) -> [[String]] {
        guard let samples else { return [] }
        var rows: [[String]] = [["site", "date", "sample", "meal", "dish", "status", "grams", "sampled_at", "by", "reviewer",
                                 "fridge", "box", "keeping", "removed_at", "seq", "", "", ""]]
        for line in samples.lines {
            let shown = line.samples.isEmpty ? [nil] : line.samples.map(Optional.some)
            for s in shown {
                rows.append(sampleRow(line.meal, line.dish, status: line.status.rawValue, s, samples, calendar))
            }
        }
        for s in samples.unplanned {
            rows.append(sampleRow(s.input.meal, s.input.dish, status: "unplanned", s, samples, calendar))
        }
        return rows
    }

    private func sampleRow(_ meal: Meal, _ dish: String, status: String, _ s: KeptSample?, _ day: SampleDay,
                           _ calendar: ReportCalendar) -> [String] {
        [site.id.rawValue, self.day.description, "sample", meal.rawValue, dish, status, s.map { CSV.number($0.input.grams) } ?? "",
         s.map { calendar.timestamp($0.input.at) } ?? "", s?.input.by ?? "", s?.input.reviewer ?? "", s?.input.fridge ?? "",
         s?.input.box ?? "", s.map { (day.keeping[$0.seq] ?? .keeping).word } ?? "", s?.removal.map { calendar.timestamp($0.at) } ?? "",
         s.map { "#\($0.seq)" } ?? "", "", "", ""]
    }

    func samplesHTML(calendar: ReportCalendar) -> String {
        guard let samples else { return "" }
        let e = ReportPage.escape
        let rows = samples.lines.map { line -> String in
            let status = switch line.status {
            case .sampled: "已留样"
            case .underweight: "<b>不足 125 克</b>"
            case .missing: "<b>未留样</b>"
            case .due: "待留样"
            }
            let s = line.samples.first { $0.record.enough } ?? line.samples.last
            let keeping = s.map { samples.keeping[$0.seq] ?? .keeping }
            return "<tr><td>\(line.meal.nameZH)</td><td>\(e(line.dish))</td><td>\(status)</td>"
                + "<td>\(s.map { CSV.number($0.input.grams) } ?? "")</td><td>\(s.map { calendar.timestamp($0.input.at) } ?? "")</td>"
                + "<td>\(e(s?.input.by ?? ""))</td><td>\(e(s?.input.reviewer ?? ""))</td><td>\(e(s?.input.fridge ?? ""))</td>"
                + "<td>\(keeping.map { $0.isFinding ? "<b>\($0.wordZH)</b>" : $0.wordZH } ?? "")</td></tr>"
        }.joined()
        return """
            <h2>留样记录</h2>
            <p>已留样 \(samples.sampled) / \(samples.lines.count) 个菜品 · 每样 ≥ 125 克，0–8 °C 冷藏 ≥ 48 小时</p>
            <table><thead><tr><th>餐次</th><th>菜品</th><th>状态</th><th>克数</th><th>留样时间</th><th>留样人</th>\
            <th>复核人</th><th>冰箱</th><th>留存</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }
}
