@testable import DeviceAdapters
import Testing

@Suite("Device clock stamps")
struct DeviceClockTests {
    @Test("ISO 8601 with a zone is read; without one it is not trusted", arguments: [
        ("2025-11-22T02:40:50Z", 1_763_779_250_000 as Int64?),
        ("2025-11-22T02:40:50.123Z", 1_763_779_250_123),
        ("2025-11-22T10:40:50+08:00", 1_763_779_250_000),
        ("2025-11-21T21:40:50-05:00", 1_763_779_250_000),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
        ("2025-11-22T10:40:50", nil),
        ("2025-11-22T10:40:50+0800", nil),
        ("2025-13-01T00:00:00Z", nil),
        ("yesterday", nil),
    ])
    func iso8601(text: String, expected: Int64?) {
        #expect(DeviceClock.fromISO8601(text) == expected)
    }
}

@Suite("Device clock calendar")
struct DeviceClockCalendarTests {
    @Test("impossible dates are refused, not rolled into the next month", arguments: [
        "2025-02-31T00:00:00Z", "2025-02-29T12:00:00Z", "1900-02-29T00:00:00Z", "2025-04-31T00:00:00Z",
        "2025-06-31T00:00:00+08:00", "2025-09-31T00:00:00Z", "2025-11-31T00:00:00Z", "2025-01-32T00:00:00Z",
        "2025-01-00T00:00:00Z",
    ])
    func impossible(text: String) {
        #expect(DeviceClock.fromISO8601(text) == nil)
    }

    @Test("the last day of every month, and leap days of leap years, are read", arguments: [
        ("2000-02-29T00:00:00Z", 951_782_400_000 as Int64),
        ("2024-02-29T23:59:59Z", 1_709_251_199_000),
        ("2025-04-30T00:00:00Z", 1_745_971_200_000),
        ("2025-12-31T00:00:00Z", 1_767_139_200_000),
        ("2025-01-31T00:00:00Z", 1_738_281_600_000),
    ])
    func lastDays(text: String, expected: Int64) {
        #expect(DeviceClock.fromISO8601(text) == expected)
    }
}
