import Foundation
import KitchenModel
import KitchenRules
import Traceability

/// The open-kitchen page a parent or diner opens from the poster on the door: Chinese first,
/// one column for a phone. Name, licence, today's temperatures, the kitchen's public cameras
/// while it works, the violations closed in the last 90 days, and the latest nightly grade.
enum KitchenPage {
    static func render(_ f: KitchenFacts, language: PageLanguage) -> String {
        let zh = language == .zh
        let site = f.site
        var body = "<h1>\(HTML.escape(site.name))</h1>"
        body += "<p class=\"muted\">\(zh ? "明厨亮灶 · 阳光厨房" : "Open kitchen")"
        if f.regionName != site.region.description { body += " · \(HTML.escape(f.regionName))" }
        body += "</p><section class=\"card\"><dl>"
        body += row(zh ? "许可证号" : "Licence", site.licence ?? (zh ? "未登记" : "Not registered"))
        body += row(zh ? "类型" : "Kind", kind(site.kind, zh: zh))
        if let grade = f.grade {
            // The door sign's face and words; the score and deductions stay on the regulator's side.
            body += row(zh ? "量化分级" : "Grade", "\(grade.smiley.face) " + (zh ? grade.smiley.chinese : grade.smiley.rawValue))
        }
        if let checks = f.morningChecks {
            let done = checks.checked == checks.staff
            body += row(zh ? "今日晨检" : "Morning checks today",
                        "\(checks.checked) / \(checks.staff)" + (done ? (zh ? " · 已完成" : " · done") : ""))
        }
        body += "</dl></section>"

        body += "<h2>\(zh ? "今日温度" : "Temperatures today")</h2><section class=\"card\">"
        if f.thermometers.isEmpty {
            body += "<p class=\"muted\">\(zh ? "未安装温度监测设备。" : "No temperature monitoring installed.")</p>"
        } else {
            body += "<dl>"
            for t in f.thermometers {
                let label = "\(zone(t.zone, zh: zh)) \(t.number)"
                let limits = range(t.minLimit, t.maxLimit)
                switch (t.today, t.inRange) {
                case (let today?, let inRange?):
                    let verdict = inRange ? "<span class=\"pass\">✓ \(zh ? "全部在范围内" : "all in range")</span>"
                        : "<span class=\"fail\">✗ \(zh ? "曾超出范围" : "went out of range")</span>"
                    body += "<dt>\(HTML.escape(label))</dt><dd>\(verdict) <span class=\"muted\">\(zh ? "今日" : "today") "
                        + "\(celsius(today.min)) \(zh ? "至" : "to") \(celsius(today.max)) °C，\(zh ? "标准" : "limits") \(limits)</span></dd>"
                default:
                    body += "<dt>\(HTML.escape(label))</dt><dd class=\"muted\">\(zh ? "今日暂无读数" : "no reading yet today")</dd>"
                }
            }
            body += "</dl>"
        }
        body += "</section>"

        if f.publicCameras > 0 {
            body += "<h2>\(zh ? "后厨实况" : "The kitchen now")</h2><section class=\"card\">"
            if !f.open {
                body += "<p class=\"muted\">\(zh ? "非营业时间，不显示画面。" : "Outside opening hours: no pictures.")</p>"
            } else if f.pictures.isEmpty {
                body += "<p class=\"muted\">\(zh ? "暂无画面。" : "No picture at the moment.")</p>"
            } else {
                body += "<div class=\"photos\">"
                for (number, at) in f.pictures {
                    let src = "/k/\(site.id.rawValue)/cameras/\(number)?at=\(at)"
                    let alt = zh ? "摄像头 \(number)，\(TicketPage.localTime(at))" : "Camera \(number), \(TicketPage.localTime(at))"
                    body += "<figure><img src=\"\(HTML.escape(src))\" alt=\"\(HTML.escape(alt))\" loading=\"lazy\">"
                        + "<figcaption class=\"muted\">\(HTML.escape(alt))</figcaption></figure>"
                }
                body += "</div>"
            }
            body += "</section>"
        }

        body += "<h2>\(zh ? "近 90 天已整改的违规" : "Violations closed in the last 90 days")</h2><section class=\"card\">"
        let total = f.closedViolations.values.reduce(0, +)
        if total == 0 {
            body += "<p class=\"pass\">\(zh ? "无" : "None")</p>"
        } else {
            body += "<dl>"
            for risk in [RiskClass.class1, .class2, .class3] as [RiskClass?] + [nil] {
                guard let n = f.closedViolations[risk], n > 0 else { continue }
                let label = risk.map { zh ? "\($0.nameZH)违规" : "Class \($0.rawValue)" } ?? (zh ? "其他" : "Other")
                body += row(label, zh ? "\(n) 起" : "\(n)")
            }
            body += "</dl>"
        }
        body += "</section>"
        body += FeedbackPages.section(site: site.id, ticket: nil, language: language)
        body += "<footer>\(zh ? "本页每分钟更新。发现问题可拨打 12315 投诉举报。" : "This page updates every minute. To report a problem, call 12315.")"
            + " · \(HTML.escape(TicketPage.localTime(f.builtAt)))</footer>"
        return PageStyle.page(title: zh ? "明厨亮灶 · \(site.name)" : "Open kitchen · \(site.name)", language: language,
                              body: body)
    }

    private static func row(_ label: String, _ value: String) -> String {
        "<dt>\(HTML.escape(label))</dt><dd>\(HTML.escape(value))</dd>"
    }

    static func celsius(_ value: Double) -> String { String(format: "%.1f", value) }

    static func range(_ low: Double?, _ high: Double?) -> String {
        switch (low, high) {
        case let (l?, h?): "\(celsius(l))–\(celsius(h)) °C"
        case let (l?, nil): "≥ \(celsius(l)) °C"
        case let (nil, h?): "≤ \(celsius(h)) °C"
        case (nil, nil): "—"
        }
    }

    static func zone(_ zone: Zone, zh: Bool) -> String {
        switch zone {
        case .cold: zh ? "冷藏" : "Fridge"
        case .freezer: zh ? "冷冻" : "Freezer"
        case .hot: zh ? "热保温" : "Hot holding"
        case .sample: zh ? "留样柜" : "Sample fridge"
        case .dry: zh ? "干货库" : "Dry store"
        case .ambient: zh ? "环境" : "Room"
        }
    }

    static func kind(_ kind: SiteKind, zh: Bool) -> String {
        switch kind {
        case .canteen: zh ? "单位食堂" : "Canteen"
        case .restaurant: zh ? "餐馆" : "Restaurant"
        case .centralKitchen: zh ? "中央厨房" : "Central kitchen"
        case .elderlyCare: zh ? "养老机构食堂" : "Elderly care kitchen"
        case .hospital: zh ? "医院食堂" : "Hospital kitchen"
        case .market: zh ? "农贸市场" : "Market"
        }
    }
}
