import Foundation
import KitchenModel

/// One time slice of a chart: the extremes and the mean of the readings that fell in it.
struct ChartBucket: Sendable, Equatable {
    var start: EpochMillis
    var end: EpochMillis
    var min: Double
    var max: Double
    var average: Double
}

/// A temperature chart as inline SVG, drawn on the server: the min–max band and the mean line
/// of each bucket, dashed limit lines, and shaded spans where a bucket went past a limit.
/// A pure function of its inputs, so it is tested without a store or a browser.
struct TemperatureChart: Sendable {
    enum Axis: Sendable {
        /// Ticks every 6 hours, labelled `HH:00`.
        case day
        /// Ticks every local midnight, labelled `MM-DD`.
        case week
    }

    var from: EpochMillis
    var to: EpochMillis
    var minLimit: Double?
    var maxLimit: Double?
    var axis: Axis
    /// Read aloud by screen readers and shown as a tooltip.
    var title: String

    static let width = 600.0
    static let height = 200.0
    static let plot = (left: 44.0, right: 592.0, top: 10.0, bottom: 176.0)
    /// Sites are in China: the axis is in UTC+8 (no daylight saving there).
    static let localOffset: EpochMillis = 8 * 3_600_000
    static let excursionColour = "#b42318"

    func svg(_ all: [ChartBucket]) -> String {
        let buckets = visible(all)
        let (lo, hi, step) = yRange(buckets)
        let p = Self.plot
        func x(_ t: EpochMillis) -> Double {
            p.left + (p.right - p.left) * Double(Swift.min(Swift.max(t, from), to) - from) / Double(Swift.max(1, to - from))
        }
        func y(_ v: Double) -> Double { p.bottom - (p.bottom - p.top) * (v - lo) / (hi - lo) }

        var out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\""
        out += " role=\"img\" aria-label=\"\(HTML.escape(title))\"><title>\(HTML.escape(title))</title>"
        out += "<rect x=\"\(f(p.left))\" y=\"\(f(p.top))\" width=\"\(f(p.right - p.left))\" height=\"\(f(p.bottom - p.top))\" fill=\"#fff\" stroke=\"#d0d7de\"/>"
        for span in excursions(buckets) {
            out += "<rect class=\"excursion\" x=\"\(f(x(span.start)))\" y=\"\(f(p.top))\" width=\"\(f(Swift.max(1, x(span.end) - x(span.start))))\""
            out += " height=\"\(f(p.bottom - p.top))\" fill=\"\(Self.excursionColour)\" fill-opacity=\"0.15\"/>"
        }
        var v = lo
        while v <= hi + 1e-9 {
            out += "<line x1=\"\(f(p.left))\" x2=\"\(f(p.right))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\" stroke=\"#eaeef2\"/>"
            out += "<text x=\"\(f(p.left - 4))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\" font-size=\"13\" fill=\"#59636e\">\(number(v))</text>"
            v += step
        }
        // A label this close to an edge would be cut off by the viewBox.
        for tick in ticks() where x(tick.at) >= p.left + 18 && x(tick.at) <= p.right - 18 {
            out += "<line x1=\"\(f(x(tick.at)))\" x2=\"\(f(x(tick.at)))\" y1=\"\(f(p.top))\" y2=\"\(f(p.bottom))\" stroke=\"#eaeef2\"/>"
            out += "<text x=\"\(f(x(tick.at)))\" y=\"\(f(p.bottom + 15))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#59636e\">\(tick.label)</text>"
        }
        for run in runs(buckets) {
            let band = run.map { "\(f(x(mid($0)))),\(f(y($0.max)))" } + run.reversed().map { "\(f(x(mid($0)))),\(f(y($0.min)))" }
            out += "<polygon class=\"band\" points=\"\(band.joined(separator: " "))\" fill=\"#0969da\" fill-opacity=\"0.18\"/>"
            if run.count == 1 {
                out += "<circle class=\"mean\" cx=\"\(f(x(mid(run[0]))))\" cy=\"\(f(y(run[0].average)))\" r=\"2\" fill=\"#0969da\"/>"
            } else {
                let line = run.map { "\(f(x(mid($0)))),\(f(y($0.average)))" }.joined(separator: " ")
                out += "<polyline class=\"mean\" points=\"\(line)\" fill=\"none\" stroke=\"#0969da\" stroke-width=\"1.5\"/>"
            }
        }
        for limit in [minLimit, maxLimit].compactMap({ $0 }) {
            out += "<line class=\"limit\" x1=\"\(f(p.left))\" x2=\"\(f(p.right))\" y1=\"\(f(y(limit)))\" y2=\"\(f(y(limit)))\""
            out += " stroke=\"\(Self.excursionColour)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
            out += "<text x=\"\(f(p.right - 2))\" y=\"\(f(y(limit) - 3))\" text-anchor=\"end\" font-size=\"13\" fill=\"\(Self.excursionColour)\">\(number(limit)) °C</text>"
        }
        if buckets.isEmpty {
            out += "<text x=\"\(f((p.left + p.right) / 2))\" y=\"\(f((p.top + p.bottom) / 2))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#59636e\">—</text>"
        }
        return out + "</svg>"
    }

    /// The buckets cut to `[from, to)`: an hourly rollup that began before `from` or a slice
    /// that ends after `to` is drawn only inside the plot; non-finite values are left out.
    func visible(_ buckets: [ChartBucket]) -> [ChartBucket] {
        buckets.compactMap { b in
            guard b.end > from, b.start < to, b.start < b.end, b.min.isFinite, b.max.isFinite, b.average.isFinite
            else { return nil }
            var cut = b
            cut.start = Swift.max(b.start, from)
            cut.end = Swift.min(b.end, to)
            return cut
        }
    }

    /// Spans of consecutive buckets past a limit, merged where they touch.
    func excursions(_ all: [ChartBucket]) -> [(start: EpochMillis, end: EpochMillis)] {
        let buckets = visible(all)
        var spans: [(start: EpochMillis, end: EpochMillis)] = []
        for b in buckets where (maxLimit.map { b.max > $0 } ?? false) || (minLimit.map { b.min < $0 } ?? false) {
            if let last = spans.last, b.start <= last.end {
                spans[spans.count - 1].end = Swift.max(last.end, b.end)
            } else {
                spans.append((b.start, b.end))
            }
        }
        return spans
    }

    /// Buckets split where the data has a hole longer than two buckets, so the line does not
    /// bridge an outage.
    private func runs(_ buckets: [ChartBucket]) -> [[ChartBucket]] {
        var runs: [[ChartBucket]] = []
        for b in buckets {
            if let previous = runs.last?.last, b.start - previous.end <= 2 * (previous.end - previous.start) {
                runs[runs.count - 1].append(b)
            } else {
                runs.append([b])
            }
        }
        return runs
    }

    /// The vertical range: data and limits, a degree of margin, whole-number ticks (≤ 8).
    private func yRange(_ buckets: [ChartBucket]) -> (Double, Double, Double) {
        let values = buckets.flatMap { [$0.min, $0.max] } + [minLimit, maxLimit].compactMap { $0 }
        var lo = (values.min() ?? 0) - 1
        var hi = (values.max() ?? 10) + 1
        if hi - lo < 4 { (lo, hi) = ((lo + hi) / 2 - 2, (lo + hi) / 2 + 2) }
        let step = [1.0, 2, 5, 10, 20, 50, 100].first { (hi - lo) / $0 <= 7 } ?? 200
        return ((lo / step).rounded(.down) * step, (hi / step).rounded(.up) * step, step)
    }

    private func ticks() -> [(at: EpochMillis, label: String)] {
        let every: EpochMillis = axis == .day ? 6 * 3_600_000 : 86_400_000
        var at = ((from + Self.localOffset) / every + 1) * every - Self.localOffset
        var ticks: [(EpochMillis, String)] = []
        while at < to {
            let local = at + Self.localOffset
            let label = switch axis {
            case .day: String(format: "%02d:00", Int((local % 86_400_000) / 3_600_000))
            case .week: Self.monthDay(local)
            }
            ticks.append((at, label))
            at += every
        }
        return ticks
    }

    /// `MM-DD` of a local time in milliseconds (days since 1970-01-01 to a civil date).
    static func monthDay(_ local: EpochMillis) -> String {
        let date = CivilDate(dayNumber: local / 86_400_000)
        return String(format: "%02d-%02d", Int(date.month), Int(date.day))
    }

    private func mid(_ b: ChartBucket) -> EpochMillis { (b.start + b.end) / 2 }
    private func f(_ v: Double) -> String { String(format: "%.1f", v) }
    private func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }
}
