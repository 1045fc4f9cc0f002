import Foundation
import Testing
@testable import WebAPI

@Suite struct TemperatureChartTests {
    let hour: Int64 = 3_600_000

    func chart(min: Double? = 0, max: Double? = 8) -> TemperatureChart {
        TemperatureChart(from: webT0 - 24 * hour, to: webT0, minLimit: min, maxLimit: max, axis: .day, title: "fridge <1>")
    }

    @Test func groupsReadingsIntoBucketsWithMinMaxAndMean() {
        let from = webT0
        let points: [(at: Int64, value: Double)] = [(from, 2), (from + 60_000, 4), (from + hour, 9), (from + hour + 1, 11),
                                                    (from - 1, 100), (from + 3 * hour, .nan)]
        let buckets = ChartBucket.group(points, from: from, to: from + 3 * hour, width: hour)
        #expect(buckets == [
            ChartBucket(start: from, end: from + hour, min: 2, max: 4, average: 3),
            ChartBucket(start: from + hour, end: from + 2 * hour, min: 9, max: 11, average: 10),
        ])
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
}
