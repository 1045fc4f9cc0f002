import Foundation
import KitchenModel
import KitchenRules
import Reports
import StorageModel

/// 一户一屏: what a stall's screen shows (令81: name, origin to county level, producer, test
/// results, the complaints phone), as JSON the screen refreshes from and as the page around it.
/// Carries no contact, ID number or anything of another stall.
struct StallFeed: Encodable {
    struct Line: Encodable {
        var item: String
        var origin: String
        var producer: String?
        var supplier: String
        var arrivalDate: String
        var test: String?
        var passed: Bool?
        var certificate: Bool
        var recalled: Bool

        enum CodingKeys: String, CodingKey {
            case item, origin, producer, supplier, test, passed, certificate, recalled
            case arrivalDate = "arrival_date"
        }
    }

    var market: String
    var stall: String
    var holder: String
    var day: String
    var smiley: SmileyGrade?
    var smileyZH: String?
    var complaintsPhone: String
    var batches: [Line]

    enum CodingKeys: String, CodingKey {
        case market, stall, holder, day, smiley, batches
        case smileyZH = "smiley_zh", complaintsPhone = "complaints_phone"
    }

    /// 12315, the national consumer complaints line, when the market has set none.
    static let defaultPhone = "12315"

    static func build(site: SiteConfig, stall: Stall, store: any GatewayStore, now: EpochMillis) throws -> StallFeed {
        let day = ReportCalendar.china.dayText(now)
        let holders = try MarketFiles.holders(site.id, store: store)
        let holder = holders.first { $0.stall == stall.id && $0.sells(on: day) }?.name ?? stall.vendor
        let lines = try store.batches(site: site.id, limit: 5_000)
            .filter { ($0.stall == nil || $0.stall == stall.id) && $0.arrivalDate == day }
            .sorted { $0.createdAt < $1.createdAt }
            .map { b in
                Line(item: b.item, origin: b.origin.place, producer: b.origin.producer, supplier: b.supplier.name,
                     arrivalDate: b.arrivalDate,
                     test: b.inspection.map { $0.method == .rapidTest ? ($0.items.first ?? "快检") : "承诺达标合格证" },
                     passed: b.inspection?.passed, certificate: b.certificate != nil, recalled: b.recall != nil)
            }
        let weekAgo = CivilDate(dayNumber: (now + 8 * 3_600_000) / 86_400_000 - 7).description
        let grade = try store.grades(site: site.id, fromDay: weekAgo, toDay: "9999-12-31").last.flatMap(GradeBody.decode)?.grade
        return StallFeed(market: site.name, stall: stall.id, holder: holder, day: day, smiley: grade?.smiley,
                         smileyZH: grade?.smiley.chinese, complaintsPhone: site.complaintsPhone ?? defaultPhone, batches: lines)
    }
}

enum StallScreenPage {
    /// The screen's page: the same figures as the feed, drawn once by the server; the script then
    /// redraws the list from the feed every 30 s without reloading (a screen runs for days).
    static func render(_ feed: StallFeed, feedPath: String) -> String {
        var body = "<h1>\(HTML.escape(feed.market)) · \(HTML.escape(feed.stall))</h1>"
        body += "<p class=\"muted\">摊主 <b>\(HTML.escape(feed.holder))</b>"
        if let smiley = feed.smiley { body += " · 量化分级 \(smiley.face) \(HTML.escape(smiley.chinese))" }
        body += " · 投诉电话 <b>\(HTML.escape(feed.complaintsPhone))</b></p>"
        body += "<h2>今日进货 <span id=\"day\">\(HTML.escape(feed.day))</span></h2>"
        body += "<table><thead><tr><th>品名</th><th>产地</th><th>供货商</th><th>检测</th></tr></thead><tbody id=\"batches\">"
        body += feed.batches.map(row).joined()
        if feed.batches.isEmpty { body += "<tr><td colspan=\"4\" class=\"muted\">今日暂无进货</td></tr>" }
        body += "</tbody></table>"
        body += "<p class=\"muted\">每 30 秒更新 · <span id=\"updated\"></span></p>"
        body += "<script src=\"\(screenScriptPath)\" data-feed=\"\(HTML.escape(feedPath))\"></script>"
        return PageStyle.page(title: "\(feed.market) \(feed.stall)", language: .zh, body: body)
    }

    static func result(_ line: StallFeed.Line) -> String {
        if line.recalled { return "已下架" }
        guard let passed = line.passed else { return line.certificate ? "有合格证" : "待检" }
        return (passed ? "合格" : "不合格") + (line.test.map { " · \($0)" } ?? "")
    }

    static func row(_ line: StallFeed.Line) -> String {
        "<tr><td>\(HTML.escape(line.item))</td><td>\(HTML.escape(line.origin))\(line.producer.map { " · " + HTML.escape($0) } ?? "")</td>"
            + "<td>\(HTML.escape(line.supplier))</td><td>\(HTML.escape(result(line)))</td></tr>"
    }

    static let screenScriptPath = "/m/screen.js?v=\(PageKit.stamp(screenScript))"

    /// Redraws the list with textContent only: nothing from the feed is ever parsed as HTML.
    static let screenScript = """
        (function () {
          var script = document.currentScript, feed = script && script.getAttribute('data-feed');
          if (!feed) return;
          function cell(row, text, span) { var td = document.createElement('td'); td.textContent = text; if (span) td.colSpan = span; row.appendChild(td); }
          function result(b) {
            if (b.recalled) return '已下架';
            if (b.passed === undefined || b.passed === null) return b.certificate ? '有合格证' : '待检';
            return (b.passed ? '合格' : '不合格') + (b.test ? ' · ' + b.test : '');
          }
          function draw(f) {
            var body = document.getElementById('batches');
            while (body.firstChild) body.removeChild(body.firstChild);
            f.batches.forEach(function (b) {
              var tr = document.createElement('tr');
              cell(tr, b.item); cell(tr, b.origin + (b.producer ? ' · ' + b.producer : '')); cell(tr, b.supplier); cell(tr, result(b));
              body.appendChild(tr);
            });
            if (!f.batches.length) { var tr = document.createElement('tr'); cell(tr, '今日暂无进货', 4); body.appendChild(tr); }
            document.getElementById('day').textContent = f.day;
            document.getElementById('updated').textContent = '更新于 ' + new Date().toLocaleTimeString('zh-CN');
          }
          setInterval(function () {
            fetch(feed, { cache: 'no-store' }).then(function (r) { return r.ok ? r.json() : null; })
              .then(function (f) { if (f) draw(f); }).catch(function () {});
          }, 30000);
        })();
        """
}
