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
