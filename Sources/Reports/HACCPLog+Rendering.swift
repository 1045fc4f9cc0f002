import Foundation
import KitchenModel
import RegionNames
import Traceability

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
            "<tr><td>\(ReportPage.escape(s.device))</td><td>\(ReportPage.escape(s.zone))</td><td>\(CSV.number(s.min))</td>"
                + "<td>\(CSV.number(s.max))</td><td>\(CSV.number(s.average))</td><td>\(s.samples)</td></tr>"
        }.joined()
        let excursionRows = excursions.map { e in
            "<tr><td>\(ReportPage.escape(e.device))</td><td>\(ReportPage.escape(e.kind.titleZH))</td>"
                + "<td>\(calendar.timestamp(e.start))</td><td>\(e.end.map(calendar.timestamp) ?? "持续中")</td>"
                + "<td>\(e.durationMillis / 60_000)</td><td>\(CSV.number(e.peak))</td>"
                + "<td>\(ReportPage.escape(e.correctiveAction ?? "未记录"))</td><td>\(ReportPage.escape(e.rectifiedBy ?? ""))</td></tr>"
        }.joined()
        let body = """
            <h1>HACCP 每日温度记录 · \(ReportPage.escape(site.name))</h1>
            <p>场所 \(ReportPage.escape(site.id.rawValue)) · 区划 \(ReportPage.escape(RegionNames.shared.path(site.region.description))) (\(ReportPage.escape(site.region.description))) · 日期 \(ReportPage.escape(day))</p>
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

/// Printable report pages, the same from `brightkitchen report` and the HTTP route: one
/// self-contained document (inline stylesheet, no script, nothing fetched), black on white, A4.
enum ReportPage {
    static let css = """
        body{margin:0;font:14px/1.45 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#fff}
        main{max-width:56rem;margin:0 auto;padding:1rem}h1{font-size:1.3rem;margin:.25rem 0 1rem}h2{font-size:1.05rem;margin:1.25rem 0 .5rem}
        table{width:100%;border-collapse:collapse;background:#fff;margin:.5rem 0}
        th,td{border:1px solid #d0d7de;padding:.3rem .45rem;text-align:left;font-size:.9rem}
        .sign{margin-top:2rem}@page{size:A4;margin:15mm}@media print{main{max-width:none;padding:0}}
        """

    /// Element content and double-quoted attributes (the receipts' XML escaping serves).
    static func escape(_ text: String) -> String { XMLText.escape(text) }

    static func html(title: String, body: String) -> String {
        """
        <!doctype html><html lang="zh-CN"><head><meta charset="utf-8">\
        <meta name="viewport" content="width=device-width,initial-scale=1"><title>\(ReportPage.escape(title))</title>\
        <style>\(css)</style></head><body><main>\(body)</main></body></html>
        """
    }
}
