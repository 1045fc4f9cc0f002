import KitchenModel
import RegionNames
import Traceability

/// The printable poster for a kitchen's door: its name and a large QR code of its public page,
/// on one A4 sheet. The QR's URL is the ticket lookup's public base with `K/{SITE}` after it,
/// upper-cased like the tickets' so it stays in QR alphanumeric mode (the page answers both cases).
enum KitchenPoster {
    static func url(site: SiteID, lookupPrefix: String) -> String {
        var base = lookupPrefix
        if base.uppercased().hasSuffix("/T/") { base.removeLast(2) }
        if !base.hasSuffix("/") { base += "/" }
        return base + "K/" + site.rawValue.uppercased()
    }

    static func render(_ site: SiteConfig, url: String) throws -> String {
        let qr = QRSVGRenderer(pixelSize: 480).render(try QRMatrix(encoding: url, errorCorrection: .quartile),
                                                      title: "明厨亮灶 · \(site.name)")
        let region = RegionNames.shared.path(site.region.description)
        let body = """
            <section class="poster"><p class="brand">明厨亮灶 · 阳光厨房</p>\
            <h1>\(HTML.escape(site.name))</h1>\
            <p>\(HTML.escape(region == site.region.description ? "" : region))\
            \(site.licence.map { " · 许可证号 \(HTML.escape($0))" } ?? "")</p>\
            <div class="qr">\(qr)</div>\
            <p class="call">扫码看后厨：今日温度、后厨实况、近 90 天整改情况</p>\
            <p class="muted">Scan to see this kitchen today</p><p class="url">\(HTML.escape(url))</p></section>
            """
        return PageStyle.page(title: "明厨亮灶 · \(site.name) · 门贴", language: .zh, body: body)
    }
}
