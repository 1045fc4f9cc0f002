import KitchenModel
import Testing

@Suite struct OperatingHoursTests {
    /// 2026-11-22 00:00 in Shanghai (UTC+8) is 2026-11-21 16:00 UTC.
    let midnightShanghai: EpochMillis = 1_795_276_800_000

    func at(_ hour: Int, _ minute: Int = 0) -> EpochMillis {
        midnightShanghai + EpochMillis((hour * 60 + minute) * 60_000)
    }

    @Test func opensAndClosesInLocalTime() throws {
        let hours = try OperatingHours(parsing: "06:00-20:00")
        #expect(!hours.isOpen(at: at(5, 59)))
        #expect(hours.isOpen(at: at(6)))
        #expect(hours.isOpen(at: at(19, 59)))
        #expect(!hours.isOpen(at: at(20)))
    }

    @Test func handlesSeveralRangesAndMidnight() throws {
        let hours = try OperatingHours(parsing: "06:00-09:30, 22:00-02:00")
        #expect(hours.isOpen(at: at(9, 29)))
        #expect(!hours.isOpen(at: at(12)))
        #expect(hours.isOpen(at: at(23)))
        #expect(hours.isOpen(at: at(1, 59)))
        #expect(!hours.isOpen(at: at(2)))
    }

    @Test func respectsTheTimeZone() throws {
        let utc = try OperatingHours(parsing: "06:00-20:00", timeZone: "UTC")
        // 03:00 in Shanghai is 19:00 UTC the day before: open in UTC terms.
        #expect(utc.isOpen(at: at(3)))
    }

    @Test(arguments: ["", "6-20", "06:00", "25:00-26:00", "06:00-06:00", "06:60-07:00"])
    func refusesBadRanges(_ text: String) {
        #expect(throws: OperatingHours.ParseError.self) { try OperatingHours(parsing: text) }
    }

    @Test func refusesUnknownZones() {
        #expect(throws: OperatingHours.ParseError.unknownTimeZone("Mars/Olympus")) {
            try OperatingHours(parsing: "06:00-20:00", timeZone: "Mars/Olympus")
        }
    }

    @Test func describesItselfAsParsed() throws {
        #expect(try OperatingHours(parsing: "6:00-20:00").description == "06:00-20:00")
    }
}
