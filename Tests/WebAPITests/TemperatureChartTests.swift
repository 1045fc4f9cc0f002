import Foundation
import Testing
@testable import WebAPI

@Suite struct TemperatureChartTests {
    let hour: Int64 = 3_600_000

    func chart(min: Double? = 0, max: Double? = 8) -> TemperatureChart {
        TemperatureChart(from: webT0 - 24 * hour, to: webT0, minLimit: min, maxLimit: max, axis: .day, title: "fridge <1>")
    }

    @Test func shadesOnlyTheSpansPastALimitMergingNeighbours() {
        let c = chart()
        let t0 = webT0 - 10 * hour
        let buckets = [
            ChartBucket(start: t0, end: t0 + hour, min: 3, max: 5, average: 4),
            ChartBucket(start: t0 + hour, end: t0 + 2 * hour, min: 6, max: 9, average: 8),
            ChartBucket(start: t0 + 2 * hour, end: t0 + 3 * hour, min: 8, max: 10, average: 9),
            ChartBucket(start: t0 + 3 * hour, end: t0 + 4 * hour, min: 4, max: 6, average: 5),
            ChartBucket(start: t0 + 5 * hour, end: t0 + 6 * hour, min: -1, max: 2, average: 1),
        ]
        let spans = c.excursions(buckets)
        #expect(spans.count == 2)
        #expect(spans[0].start == t0 + hour && spans[0].end == t0 + 3 * hour)
        #expect(spans[1].start == t0 + 5 * hour && spans[1].end == t0 + 6 * hour)
        let svg = c.svg(buckets)
        #expect(svg.components(separatedBy: "class=\"excursion\"").count - 1 == 2)
        #expect(svg.components(separatedBy: "class=\"limit\"").count - 1 == 2)
        #expect(svg.contains(">8 °C</text>") && svg.contains(">0 °C</text>"))
    }

    @Test func noLimitsNoLinesAndNothingShaded() {
        let c = chart(min: nil, max: nil)
        let svg = c.svg([ChartBucket(start: webT0 - hour, end: webT0, min: 50, max: 90, average: 70)])
        #expect(!svg.contains("class=\"limit\""))
        #expect(!svg.contains("class=\"excursion\""))
        // A single bucket is a dot, not a line of one point.
        #expect(svg.contains("<circle class=\"mean\""))
    }

    @Test func aGapInTheDataBreaksTheLine() {
        let t0 = webT0 - 20 * hour
        let buckets = [0, 1, 2, 10, 11].map { i in
            ChartBucket(start: t0 + Int64(i) * hour, end: t0 + Int64(i + 1) * hour, min: 3, max: 5, average: 4)
        }
        let svg = chart().svg(buckets)
        #expect(svg.components(separatedBy: "<polyline class=\"mean\"").count - 1 == 2)
        #expect(svg.components(separatedBy: "<polygon class=\"band\"").count - 1 == 2)
    }

    @Test func isEscapedAndLabelledInBeijingTime() {
        let svg = chart().svg([])
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.contains("aria-label=\"fridge &lt;1&gt;\""))
        #expect(!svg.contains("<1>"))
        // webT0 is 08:00 in Beijing: the day's ticks fall on 12:00, 18:00, 00:00 and 06:00.
        for label in ["12:00", "18:00", "00:00", "06:00"] { #expect(svg.contains(">\(label)</text>"), "\(label)") }
        #expect(svg.components(separatedBy: "<svg").count == 2)
    }

    @Test func noTickLabelIsCutOffAtTheEdges() {
        // From 18:01 to 18:01 the next day: the 18:00 tick would sit on the right edge.
        let from = webT0 + 10 * hour + 60_000
        let svg = TemperatureChart(from: from, to: from + 24 * hour, minLimit: 0, maxLimit: 8, axis: .day, title: "t").svg([])
        #expect(!svg.contains(">18:00</text>"))
        #expect(svg.contains(">00:00</text>") && svg.contains(">12:00</text>"))
    }

    @Test func weekTicksAreLocalDates() {
        let week = TemperatureChart(from: webT0 - 7 * 24 * hour, to: webT0, minLimit: nil, maxLimit: 8, axis: .week, title: "w")
        let svg = week.svg([])
        for day in ["11-16", "11-17", "11-21", "11-22"] { #expect(svg.contains(">\(day)</text>"), "\(day)") }
        #expect(TemperatureChart.monthDay(0) == "01-01")
        #expect(TemperatureChart.monthDay(951_782_400_000) == "02-29")
    }

    /// Every x/y position attribute and every `points` pair, as numbers (any text that is not
    /// a number, such as `nan`, is caught by the caller's text check).
    func coordinates(_ svg: String) -> (xs: [Double], ys: [Double]) {
        var xs: [Double] = [], ys: [Double] = []
        let attribute = try! NSRegularExpression(pattern: #" (x|x1|x2|cx|y|y1|y2|cy|points)="([^"]*)""#)
        let text = svg as NSString
        for match in attribute.matches(in: svg, range: NSRange(location: 0, length: text.length)) {
            let name = text.substring(with: match.range(at: 1)), value = text.substring(with: match.range(at: 2))
            if name == "points" {
                for pair in value.split(separator: " ") {
                    let xy = pair.split(separator: ",").compactMap { Double($0) }
                    if xy.count == 2 { xs.append(xy[0]); ys.append(xy[1]) }
                }
            } else if let v = Double(value) {
                if name.hasPrefix("x") || name == "cx" { xs.append(v) } else { ys.append(v) }
            }
        }
        return (xs, ys)
    }

    func expectInsideTheViewBox(_ svg: String, _ what: String) {
        let (xs, ys) = coordinates(svg)
        #expect(!xs.isEmpty && !ys.isEmpty, "\(what)")
        #expect(xs.allSatisfy { $0 >= 0 && $0 <= TemperatureChart.width }, "\(what): \(xs.filter { $0 < 0 || $0 > TemperatureChart.width })")
        #expect(ys.allSatisfy { $0 >= 0 && $0 <= TemperatureChart.height }, "\(what): \(ys.filter { $0 < 0 || $0 > TemperatureChart.height })")
        #expect(!svg.contains("nan") && !svg.contains("inf"), "\(what)")
    }

    @Test func bucketsReachingOutsideTheWindowAreCutToIt() {
        let c = chart()
        // An hourly rollup that began 30 min before `from`, one that ends 30 min after `to`, both too warm.
        let buckets = [
            ChartBucket(start: c.from - hour / 2, end: c.from + hour / 2, min: 9, max: 12, average: 10),
            ChartBucket(start: c.to - hour / 2, end: c.to + hour / 2, min: 9, max: 12, average: 10),
            ChartBucket(start: c.to + hour, end: c.to + 2 * hour, min: 50, max: 50, average: 50),
        ]
        let visible = c.visible(buckets)
        #expect(visible.count == 2)
        #expect(visible[0].start == c.from && visible[1].end == c.to)
        let spans = c.excursions(buckets)
        #expect(spans.count == 2 && spans[0].start == c.from && spans[1].end == c.to)
        let svg = c.svg(buckets)
        expectInsideTheViewBox(svg, "outside")
        // The bucket wholly after `to` neither draws nor stretches the axis to 50 °C.
        #expect(!svg.contains(">50<"))
    }

    @Test func oddInputsStillDrawInsideThePlot() {
        let t = webT0 - 5 * hour
        let cases: [(String, [ChartBucket])] = [
            ("single point", [ChartBucket(start: t, end: t + hour, min: 4, max: 4, average: 4)]),
            ("all equal", (0..<10).map { i in
                ChartBucket(start: t - Int64(i) * hour, end: t - Int64(i - 1) * hour, min: 5, max: 5, average: 5)
            }.reversed()),
            ("empty", []),
            ("extremes", [ChartBucket(start: t, end: t + hour, min: -200, max: -200, average: -200),
                          ChartBucket(start: t + hour, end: t + 2 * hour, min: 500, max: 500, average: 500)]),
            ("not finite", [ChartBucket(start: t, end: t + hour, min: -.infinity, max: .nan, average: .nan),
                            ChartBucket(start: t + hour, end: t + 2 * hour, min: 3, max: 4, average: 3.5)]),
        ]
        for (what, buckets) in cases {
            let svg = chart().svg(buckets)
            #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"), "\(what)")
            expectInsideTheViewBox(svg, what)
        }
        #expect(chart().svg([]).contains(">—</text>"))
        let extremes = chart(min: nil, max: nil).svg(cases[3].1)
        // The axis spans both (steps of 200 from −400 to 600), so neither is drawn off the plot.
        #expect(extremes.contains(">-400<") && extremes.contains(">600<"))
        #expect(chart().svg(cases[0].1).contains("<circle class=\"mean\""))
    }

    /// 168 hourly buckets with limits, a varying line and excursions: the size the 7 d chart can reach.
    @Test func aFullWeekIsASmallDrawing() {
        let from = webT0 - 168 * hour
        let week = TemperatureChart(from: from, to: webT0, minLimit: 0, maxLimit: 8, axis: .week, title: "fridge-1, last 7 days")
        let buckets = (0..<168).map { i in
            let v = 4 + 5 * sin(Double(i) / 7)
            return ChartBucket(start: from + Int64(i) * hour, end: from + Int64(i + 1) * hour, min: v - 0.73, max: v + 0.61, average: v)
        }
        let bytes = week.svg(buckets).utf8.count
        #expect(bytes < 12_000, "\(bytes) bytes")
        print("TemperatureChartTests: full 7 d chart \(bytes) bytes")
    }
}
