import Foundation
import KitchenModel

extension HACCPLog {
    /// One CSV: a `sensor` line per thermometer, then an `excursion` line per excursion.
    public func csv(calendar: ReportCalendar = .china) -> String {
        let header = ["record", "site", "date", "device", "zone", "min_c", "max_c", "avg_c", "samples",
                      "alarm", "kind", "start", "end", "duration_min", "peak_c", "limit_c", "corrective_action",
                      "rectified_by", "state"]
        var rows: [[String]] = sensors.map { s in
            ["sensor", site.id.rawValue, day, s.device, s.zone, CSV.number(s.min), CSV.number(s.max),
             CSV.number(s.average), String(s.samples)] + Array(repeating: "", count: 10)
        }
        rows += excursions.map { e in
            ["excursion", site.id.rawValue, day, e.device, "", "", "", "", "", e.alarmID, e.kind.rawValue,
             calendar.timestamp(e.start), e.end.map(calendar.timestamp) ?? "", String(e.durationMillis / 60_000),
             CSV.number(e.peak), CSV.number(e.limit), e.correctiveAction ?? "", e.rectifiedBy ?? "", e.state]
        }
        return CSV.document(header: header, rows: rows)
    }

    /// A printable page (A4, black on white) an inspector can sign.
    public func html(calendar: ReportCalendar = .china) -> String {
        let sensorRows = sensors.map { s in
            "<tr><td>\(HTML.escape(s.device))</td><td>\(HTML.escape(s.zone))</td><td>\(CSV.number(s.min))</td>"
                + "<td>\(CSV.number(s.max))</td><td>\(CSV.number(s.average))</td><td>\(s.samples)</td></tr>"
        }.joined()
        let excursionRows = excursions.map { e in
            "<tr><td>\(HTML.escape(e.device))</td><td>\(HTML.escape(e.kind.titleZH))</td>"
                + "<td>\(calendar.timestamp(e.start))</td><td>\(e.end.map(calendar.timestamp) ?? "持续中")</td>"
                + "<td>\(e.durationMillis / 60_000)</td><td>\(CSV.number(e.peak))</td>"
                + "<td>\(HTML.escape(e.correctiveAction ?? "未记录"))</td><td>\(HTML.escape(e.rectifiedBy ?? ""))</td></tr>"
        }.joined()
        let body = """
            <h1>HACCP 每日温度记录 · \(HTML.escape(site.name))</h1>
            <p>场所 \(HTML.escape(site.id.rawValue)) · 区划 \(HTML.escape(site.region.description)) · 日期 \(HTML.escape(day))</p>
            <h2>温度传感器（°C）</h2>
            <table><thead><tr><th>设备</th><th>区域</th><th>最低</th><th>最高</th><th>平均</th><th>样本数</th></tr></thead>
            <tbody>\(sensorRows.isEmpty ? "<tr><td colspan=6>无温度传感器</td></tr>" : sensorRows)</tbody></table>
            <h2>温度偏离与纠偏措施</h2>
            <table><thead><tr><th>设备</th><th>类型</th><th>开始</th><th>结束</th><th>时长（分钟）</th><th>峰值</th><th>纠偏措施</th><th>执行人</th></tr></thead>
            <tbody>\(excursionRows.isEmpty ? "<tr><td colspan=8>当日无温度偏离</td></tr>" : excursionRows)</tbody></table>
            <p class="sign">记录人：＿＿＿＿＿＿　　审核人：＿＿＿＿＿＿</p>
            """
        return ReportPage.html(title: "HACCP \(site.id.rawValue) \(day)", body: body)
    }
}

/// Printable report pages: the shared look plus tables that print cleanly.
enum ReportPage {
    static let printCSS = """
        table{width:100%;border-collapse:collapse;background:#fff;margin:.5rem 0}
        th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;font-size:.9rem}
        .sign{margin-top:2rem}@media print{body{background:#fff}main{max-width:none}}
        """

    static func html(title: String, body: String) -> String {
        PageStyle.page(title: title, language: .zh, body: "<style>\(printCSS)</style>" + body)
    }
}
