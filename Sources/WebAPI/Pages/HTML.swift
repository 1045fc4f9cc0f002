import Hummingbird
import Traceability

/// Escapes text for HTML element content and double-quoted attributes (the receipts' SVG
/// escaping serves: `&apos;` is valid HTML 5, and control characters have no place in a page).
enum HTML {
    static func escape(_ text: String) -> String { XMLText.escape(text) }
}

/// The pages' language: Chinese unless the browser prefers English.
enum PageLanguage: String {
    case zh, en

    /// `?lang=zh|en` when given (a link on every dashboard page), else `Accept-Language`.
    static func of(_ request: Request) -> PageLanguage {
        request.uri.queryParameters.get("lang").flatMap(PageLanguage.init(rawValue:))
            ?? from(acceptLanguage: request.headers[.acceptLanguage])
    }

    /// Reads `Accept-Language` by its q-values; only zh and en are offered. Works on the bytes:
    /// every scanned code asks, and Foundation's trimming and case mapping cost more than the page.
    static func from(acceptLanguage header: String?) -> PageLanguage {
        guard let header else { return .zh }
        var best: (PageLanguage, Double)?
        for part in header.utf8.split(separator: UInt8(ascii: ",")) {
            let pieces = part.split(separator: UInt8(ascii: ";"))
            guard let tag = pieces.first.map(trimmed), tag.count >= 2 else { continue }
            let (a, b) = (tag[tag.startIndex] | 0x20, tag[tag.index(after: tag.startIndex)] | 0x20)
            let language: PageLanguage? = (a, b) == (UInt8(ascii: "z"), UInt8(ascii: "h")) ? .zh
                : (a, b) == (UInt8(ascii: "e"), UInt8(ascii: "n")) ? .en : nil
            var q = 1.0
            for parameter in pieces.dropFirst() {
                let p = trimmed(parameter)
                if p.starts(with: "q=".utf8), let value = Double(String(decoding: p.dropFirst(2), as: UTF8.self)) { q = value }
            }
            if let language, q > (best?.1 ?? 0) { best = (language, q) }
        }
        return best?.0 ?? .zh
    }

    private static func trimmed(_ bytes: Substring.UTF8View.SubSequence) -> Substring.UTF8View.SubSequence {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }
}

/// One stylesheet for every page: mobile first, readable at 375 px, roomy on a wall screen.
enum PageStyle {
    static let css = """
        :root{--ok:#1a7f37;--bad:#b42318;--warn:#b54708;--ink:#1f2328;--mute:#59636e;--line:#d0d7de;--bg:#f6f8fa}
        *{box-sizing:border-box}body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:var(--ink);background:var(--bg)}
        main{max-width:40rem;margin:0 auto;padding:1rem}
        h1{font-size:1.35rem;margin:.25rem 0 1rem}h2{font-size:1.05rem;margin:1.25rem 0 .5rem;color:var(--mute)}
        .card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:1rem;margin:.75rem 0}
        .badge{display:inline-block;padding:.3rem .7rem;border-radius:999px;font-weight:600;color:#fff}
        .genuine{background:var(--ok)}.forged{background:var(--bad)}
        .alert{background:var(--bad);color:#fff;border-radius:12px;padding:1rem;font-size:1.1rem;font-weight:700;margin:.75rem 0}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0}dt{color:var(--mute)}dd{margin:0;word-break:break-all}
        .pass{color:var(--ok);font-weight:700}.fail{color:var(--bad);font-weight:700}
        .amount{font-size:1.6rem;font-weight:700}footer{color:var(--mute);font-size:.85rem;margin:1.5rem 0}
        @media(min-width:64rem){main{max-width:56rem}body{font-size:18px}}
        main.wide{max-width:80rem}@media(min-width:100rem){main.wide{max-width:112rem}}
        .bar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;padding:.6rem 1rem;background:#fff;border-bottom:1px solid var(--line)}
        .crumbs{font-weight:600}.crumbs a{color:inherit}.tools{display:flex;gap:.75rem;align-items:center}.tools form{margin:0}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:.75rem}.grid .card{margin:0}
        .card h3{margin:0 0 .35rem;font-size:1.05rem}.card h3 a{color:inherit}
        .light{display:inline-block;width:.9rem;height:.9rem;border-radius:50%;vertical-align:-.1rem;margin-right:.35rem}
        .light.green{background:var(--ok)}.light.yellow{background:#d4a72c}.light.red{background:var(--bad)}
        .figures{display:flex;flex-wrap:wrap;gap:.2rem 1rem;margin:.25rem 0 0;padding:0;list-style:none;color:var(--mute)}.figures b{color:var(--ink)}
        .reading{font-size:1.5rem;font-weight:700}.reading.out{color:var(--bad)}
        .state{font-size:.85rem;padding:.1rem .5rem;border-radius:999px;background:#dafbe1;color:var(--ok)}
        .state.offline,.state.silent{background:#ffebe9;color:var(--bad)}.state.stale{background:#fff8c5;color:var(--warn)}
        .chart{width:100%;height:auto;display:block}figure{margin:0}.charts{display:grid;grid-template-columns:1fr;gap:.75rem}
        @media(min-width:64rem){.charts{grid-template-columns:1fr 1fr}}
        .thumbs{display:flex;flex-wrap:wrap;gap:.5rem}.thumbs img{width:160px;height:120px;object-fit:cover;border-radius:8px;border:1px solid var(--line);background:#eaeef2}
        form.action{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0 0}
        input[type=text],input[type=password]{flex:1 1 12rem;min-width:0;padding:.5rem;border:1px solid var(--line);border-radius:8px;font:inherit}
        button{font:inherit;padding:.45rem .9rem;border-radius:8px;border:1px solid var(--line);background:#fff;cursor:pointer}
        button.primary{background:var(--ink);color:#fff;border-color:var(--ink)}
        form.check{display:grid;gap:.6rem}form.check label{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}form.check select,form.check input[type=text]{flex:1 1 10rem;min-width:0;min-height:2.75rem;padding:.5rem;border:1px solid var(--line);border-radius:8px;font:inherit;background:#fff}form.check input[type=checkbox]{width:1.4rem;height:1.4rem}form.check fieldset{border:1px solid var(--line);border-radius:8px;display:flex;flex-wrap:wrap;gap:.25rem 1rem}form.check button{min-height:2.75rem}
        ol.timeline{list-style:none;padding:0 0 0 1rem;margin:0;border-left:2px solid var(--line)}ol.timeline li{padding:0 0 .75rem}
        .muted{color:var(--mute)}.overdue{color:var(--bad);font-weight:700}
        .photos{display:grid;grid-template-columns:1fr;gap:.75rem}.photos img{width:100%;height:auto;border-radius:8px;background:#eaeef2}@media(min-width:40rem){.photos{grid-template-columns:1fr 1fr}}
        .poster{text-align:center;background:#fff;border:2px solid var(--ink);border-radius:16px;padding:2rem 1rem}.poster h1{font-size:2.2rem;margin:.5rem 0}.brand{font-size:1.3rem;font-weight:700;color:var(--ok);margin:0}
        .qr svg{width:min(80vw,12cm);height:auto}.call{font-size:1.3rem;font-weight:700}.url{font-size:.8rem;word-break:break-all}
        @media print{@page{size:A4;margin:1.5cm}body{background:#fff}main{max-width:none;padding:0}.poster{border:none}}
        """

    static func page(title: String, language: PageLanguage, body: String) -> String {
        """
        <!doctype html><html lang="\(language == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8">\
        <meta name="viewport" content="width=device-width,initial-scale=1"><title>\(HTML.escape(title))</title>\
        <style>\(css)</style></head><body><main>\(body)</main></body></html>
        """
    }
}
