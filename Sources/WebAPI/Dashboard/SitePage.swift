import Foundation
import GatewayPorts
import KitchenModel
import KitchenRules
import StorageModel

/// One site: every device with its live reading, state and freshness; the open alarms with
/// their actions; the thermometers' 24 h and 7 d charts; the latest camera evidence.
enum SitePage {
    struct Chart {
        var device: String
        var day: String
        var week: String
    }

    static func render(_ view: SiteView, status: SiteStatus, limits: [String: ZoneProfile], open: [AlarmRecord],
                       charts: [Chart], evidence: [EvidenceSummary], principal: Principal, kit: PageKit,
                       now: EpochMillis) -> String {
        let site = view.site
        var body = "<h1>\(kit.light(status))\(HTML.escape(site.name))</h1>"
        body += "<ul class=\"figures\"><li>\(HTML.escape(site.id))</li><li>\(kit.t("地区", "Region")) \(RegionLabel.pathHTML(site.region))</li>"
        body += "<li>\(kit.t("营业时间", "Hours")) \(HTML.escape(site.hours))</li>"
        body += "<li>\(site.openNow ? kit.t("营业中", "open now") : kit.t("休息中", "closed now"))</li></ul>"

        body += "<h2>\(kit.t("未结报警", "Open alarms")) (\(open.count))</h2>"
        if open.isEmpty { body += "<p class=\"muted\">\(kit.t("没有未结报警。", "No open alarm."))</p>" }
        for record in open {
            body += "<section class=\"card alarm\">\(AlarmBlocks.summary(record, kit: kit, now: now, linked: true))"
            body += AlarmBlocks.actions(record, principal: principal, kit: kit) + "</section>"
        }

        body += "<h2>\(kit.t("设备", "Devices")) (\(view.deviceList.count))</h2><div class=\"grid\">"
        for device in view.deviceList {
            body += "<section class=\"card device\"><h3>\(HTML.escape(device.id)) "
            body += "<span class=\"muted\">\(HTML.escape(device.zone)) · \(HTML.escape(device.kind))</span></h3>"
            body += reading(device, profile: limits[device.id], kit: kit)
            body += "<p>\(state(device, kit: kit)) <span class=\"muted\">\(kit.t("最后上报", "last heard")) \(kit.ago(device.lastSeenMs, now: now))</span></p></section>"
        }
        body += "</div>"

        if !charts.isEmpty {
            body += "<h2>\(kit.t("温度曲线", "Temperature"))</h2>"
            for chart in charts {
                body += "<section class=\"card\"><h3>\(HTML.escape(chart.device))</h3><div class=\"charts\">"
                body += "<figure>\(chart.day)<figcaption class=\"muted\">\(kit.t("最近 24 小时", "Last 24 hours"))</figcaption></figure>"
                body += "<figure>\(chart.week)<figcaption class=\"muted\">\(kit.t("最近 7 天", "Last 7 days"))</figcaption></figure></div></section>"
            }
        }

        body += "<h2>\(kit.t("最新图片证据", "Latest evidence"))</h2>" + AlarmBlocks.thumbnails(evidence, kit: kit)
        return body
    }

    /// The reading a person looks for first: temperature (and humidity), a disinfector's state,
    /// a camera's frame rate. Past a limit shows in red.
    static func reading(_ d: DeviceView, profile: ZoneProfile?, kit: PageKit) -> String {
        guard let r = d.reading else { return "<div class=\"reading muted\">—</div>" }
        var parts: [String] = []
        var out = false
        if let t = r.values["t"] {
            parts.append(String(format: "%.1f °C", t))
            out = (profile?.maxCelsius.map { t > $0 } ?? false) || (profile?.minCelsius.map { t < $0 } ?? false)
        }
        if let rh = r.values["rh"] { parts.append(String(format: "%.0f %%RH", rh)) }
        if let state = r.state { parts.append(HTML.escape(state)) }
        if let temp = r.values["temp_c"] { parts.append(String(format: "%.0f °C", temp)) }
        if let fps = r.values["fps"] { parts.append(String(format: "%.0f fps", fps)) }
        if let checks = r.values["checks_today"] { parts.append(kit.t("今日晨检 \(Int(checks))", "\(Int(checks)) checks today")) }
        if let fault = r.fault { parts.append(kit.t("故障 ", "fault ") + HTML.escape(fault)); out = true }
        guard !parts.isEmpty else { return "<div class=\"reading muted\">—</div>" }
        return "<div class=\"reading\(out ? " out" : "")\">\(parts.joined(separator: " · "))</div>"
    }

    static func state(_ d: DeviceView, kit: PageKit) -> String {
        let (key, label) = !d.online ? ("offline", kit.t("离线", "offline"))
            : d.silent ? ("silent", kit.t("静默", "silent"))
            : d.stale ? ("stale", kit.t("读数过期", "stale"))
            : ("online", kit.t("在线", "online"))
        return "<span class=\"state \(key)\">\(label)</span>"
    }
}
