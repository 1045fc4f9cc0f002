import Foundation
import Hummingbird
import KitchenModel
import Reports
import StorageModel

/// The market's public pages, no login, behind the lookup's per-address limit: the notice board
/// `/m/{site}` (rules, managers, complaints phone, today's rapid tests, how failures were handled)
/// and each stall's screen `/m/{site}/{stall}` with its feed `/m/{site}/{stall}/feed.json`.
struct MarketPages {
    let dependencies: APIDependencies
    /// Screens and feeds, kept a few seconds; the screen page is also answered by the fast paths.
    let screens: StallScreens

    func add(to router: some RouterMethods<GatewayRequestContext>) {
        router.get("/m/screen.js") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/javascript; charset=utf-8"
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: StallScreenPage.screenScript)))
        }
        router.get("/m/{site}") { _, context in
            let site = try market(context)
            return Self.page(ByteBuffer(string: NoticeBoard.render(try NoticeBoard.build(site, dependencies: dependencies))))
        }
        router.get("/m/{site}/{stall}") { _, context in
            let (site, stall) = try stall(context)
            return Self.page(try screens.screen(site, stall).page)
        }
        router.get("/m/{site}/{stall}/feed.json") { _, context in
            let (site, stall) = try stall(context)
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: try screens.screen(site, stall).feed))
        }
    }

    /// The screen's script fetches its feed from this gateway and nothing else.
    static let policy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The HTML headers of the market's pages (the fast paths send the same, `FastPageHeads`).
    static let htmlHeaders: HTTPFields = {
        var headers = LookupRoutes.htmlHeaders
        headers[.contentSecurityPolicy] = policy
        headers[.vary] = nil
        return headers
    }()

    static func page(_ html: ByteBuffer) -> Response {
        Response(status: .ok, headers: htmlHeaders, body: .init(byteBuffer: html))
    }

    private func market(_ context: GatewayRequestContext) throws -> SiteConfig {
        let raw = try context.parameters.require("site")
        guard let id = SiteID(raw), let site = dependencies.sites.site(id), site.kind == .market else {
            throw APIError.notFound("no such market")
        }
        return site
    }

    private func stall(_ context: GatewayRequestContext) throws -> (SiteConfig, Stall) {
        let site = try market(context)
        guard let stall = site.stall(try context.parameters.require("stall")) else { throw APIError.notFound("no such stall") }
        return (site, stall)
    }
}

/// 公示栏: what 令81 has a market post for everyone to read.
struct NoticeBoard {
    var site: SiteConfig
    var tests: MarketFiles.TestDay
    /// Batches withdrawn in the last 30 days: how failures were handled.
    var recalls: [Batch]

    static func build(_ site: SiteConfig, dependencies: APIDependencies) throws -> NoticeBoard {
        let now = dependencies.clock.now()
        let tests = try MarketFiles.testDay(site.id, day: ReportCalendar.china.dayText(now), store: dependencies.store)
        let recalls = try dependencies.store.batches(site: site.id, limit: 5_000)
            .filter { ($0.recall?.at ?? 0) >= now - 30 * 86_400_000 }
            .sorted { ($0.recall?.at ?? 0) > ($1.recall?.at ?? 0) }
        return NoticeBoard(site: site, tests: tests, recalls: recalls)
    }

    static func render(_ board: NoticeBoard) -> String {
        let site = board.site
        var body = "<h1>\(HTML.escape(site.name)) 公示栏</h1>"
        body += "<p>投诉举报电话 <b>\(HTML.escape(site.complaintsPhone ?? StallFeed.defaultPhone))</b>"
        if !site.managers.isEmpty { body += " · 市场管理人员 \(site.managers.map(HTML.escape).joined(separator: "、"))" }
        body += "</p>"
        if let notice = site.notice {
            body += "<section class=\"card\"><h2>市场管理制度</h2>"
                + notice.split(separator: "\n").map { "<p>\(HTML.escape(String($0)))</p>" }.joined() + "</section>"
        }
        body += "<section class=\"card\"><h2>今日快检 \(HTML.escape(board.tests.day))</h2>"
        if let plan = board.tests.plan {
            body += "<p class=\"muted\">计划检测：" + plan.lines.map { HTML.escape($0.item) }.joined(separator: "、") + "</p>"
        } else {
            body += "<p class=\"muted\">今日未公布检测计划</p>"
        }
        body += "<table><thead><tr><th>品名</th><th>摊位</th><th>检测项目</th><th>结果</th></tr></thead><tbody>"
        for r in board.tests.results {
            body += "<tr><td>\(HTML.escape(r.item))</td><td>\(HTML.escape(r.stall ?? "—"))</td>"
                + "<td>\(r.items.map(HTML.escape).joined(separator: "、"))</td><td>\(r.passed ? "合格" : "<b>不合格</b>")</td></tr>"
        }
        if board.tests.results.isEmpty { body += "<tr><td colspan=\"4\" class=\"muted\">尚无检测结果</td></tr>" }
        body += "</tbody></table>"
        if !board.tests.untested.isEmpty {
            body += "<p>尚未检测：\(board.tests.untested.map(HTML.escape).joined(separator: "、"))</p>"
        }
        body += "</section><section class=\"card\"><h2>不合格处置（近 30 天）</h2>"
        if board.recalls.isEmpty { body += "<p class=\"muted\">无</p>" }
        for b in board.recalls {
            guard let recall = b.recall else { continue }
            body += "<p>\(HTML.escape(ReportCalendar.china.dayText(recall.at))) \(HTML.escape(b.item))"
                + "\(b.stall.map { "（\(HTML.escape($0))）" } ?? "")：已下架 · \(HTML.escape(recall.reason))</p>"
        }
        body += "</section>"
        if !site.stalls.isEmpty {
            body += "<section class=\"card\"><h2>摊位</h2><p>" + site.stalls.map {
                "<a href=\"/m/\(HTML.escape(site.id.rawValue))/\(HTML.escape($0.id))\">\(HTML.escape($0.id)) \(HTML.escape($0.vendor))</a>"
            }.joined(separator: " · ") + "</p></section>"
        }
        return PageStyle.page(title: "\(site.name) 公示栏", language: .zh, body: body)
    }
}
