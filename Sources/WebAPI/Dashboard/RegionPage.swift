import GatewayPorts
import KitchenModel

/// The region overview: the region's own figures, then each child region (or, for an admin's
/// start page, each province) as a card with its traffic light and counts, then the sites that
/// sit directly in the region.
enum RegionPage {
    static func render(heading: String, figures: RegionFigures?, children: [RegionFigures],
                       sites: [(site: SiteSummary, figures: RegionFigures)], kit: PageKit) -> String {
        var body = "<h1>\(figures.map { kit.light($0.status) } ?? "")\(HTML.escape(heading))</h1>"
        if let figures {
            body += "<section class=\"card\">\(counts(figures, kit: kit))</section>"
        }
        if !children.isEmpty {
            body += "<h2>\(kit.t("下级地区", "Regions below"))</h2><div class=\"grid\">"
            for child in children {
                body += "<section class=\"card region\"><h3>\(kit.light(child.status))"
                body += "<a href=\"\(HTML.escape(kit.link("/dashboard/regions/\(child.code)")))\">\(RegionLabel.html(child.code))</a>"
                body += " <span class=\"muted\">\(level(child.level, kit: kit))</span></h3>\(counts(child, kit: kit))</section>"
            }
            body += "</div>"
        }
        if !sites.isEmpty {
            body += "<h2>\(kit.t("本级站点", "Sites here"))</h2><div class=\"grid\">"
            for (site, f) in sites {
                body += "<section class=\"card site\"><h3>\(kit.light(f.status))"
                body += "<a href=\"\(HTML.escape(kit.link("/dashboard/sites/\(site.id)")))\">\(HTML.escape(site.name))</a></h3>"
                body += "<ul class=\"figures\"><li>\(HTML.escape(site.id))</li>"
                body += "<li>\(kit.t("设备在线", "Devices online")) <b>\(site.devices.online)/\(site.devices.total)</b></li>"
                body += "<li>\(kit.t("未结报警", "Open alarms")) <b>\(f.openAlarms.total)</b></li>"
                if f.overdueAlarms > 0 { body += "<li class=\"overdue\">\(kit.t("逾期", "Overdue")) \(f.overdueAlarms)</li>" }
                body += "</ul></section>"
            }
            body += "</div>"
        }
        if children.isEmpty && sites.isEmpty {
            body += "<p class=\"muted\">\(kit.t("没有可查看的站点。", "No site to show."))</p>"
        }
        return body
    }

    static func counts(_ f: RegionFigures, kit: PageKit) -> String {
        var out = "<ul class=\"figures\">"
        out += "<li>\(kit.t("站点", "Sites")) <b>\(f.sites)</b></li>"
        out += "<li>\(kit.t("设备在线", "Devices online")) <b>\(f.devices.online)/\(f.devices.total)</b></li>"
        out += "<li>\(kit.t("未结报警", "Open alarms")) <b>\(f.openAlarms.total)</b>"
        if f.openAlarms.class1 > 0 { out += " (\(kit.t("一类", "class 1")) \(f.openAlarms.class1))" }
        out += "</li>"
        if f.overdueAlarms > 0 { out += "<li class=\"overdue\">\(kit.t("逾期", "Overdue")) \(f.overdueAlarms)</li>" }
        if f.sitesMissingLedgers > 0 {
            out += "<li class=\"overdue\">\(kit.t("缺台账站点", "Sites missing ledgers")) \(f.sitesMissingLedgers)</li>"
        }
        if f.cards.yellow + f.cards.red > 0 {
            out += "<li class=\"fail\">\(kit.t("黄牌", "Yellow cards")) \(f.cards.yellow) · \(kit.t("红牌", "red")) \(f.cards.red)</li>"
        }
        out += "<li>\(kit.t("今日小票", "Tickets today")) <b>\(f.ticketsToday)</b></li></ul>"
        return out
    }

    static func level(_ level: RegionLevel, kit: PageKit) -> String {
        switch level {
        case .province: kit.t("省", "province")
        case .city: kit.t("市", "city")
        case .county: kit.t("区县", "county")
        case .station: kit.t("街道/所", "station")
        }
    }
}
