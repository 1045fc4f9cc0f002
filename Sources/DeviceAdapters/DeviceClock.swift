import DeviceIngest
import KitchenModel

/// Turns the time stamps third-party payloads carry into epoch milliseconds, or nil.
///
/// Decisions (docs/third-party-devices.md):
/// - Shelly `params.ts` and Frigate `frame_time` are Unix seconds (UTC) and are used.
/// - Tasmota `Time` is local time *without* a zone unless `SetOption52 1` appends the offset;
///   the device's `Timezone` setting is not in the message and need not match the site's, so a
///   zone-less `Time` is ignored and the gateway's receive time stands in.
/// - zigbee2mqtt `last_seen` (when enabled) is epoch milliseconds or ISO 8601 with a zone.
/// - A time outside the native protocol's clock window (`IngestLimits`) is dropped rather than
///   rejected: these clocks are not ours to fix, and the reading itself is still good.
enum DeviceClock {
    static func fromUnixSeconds(_ seconds: Double, receivedAt: EpochMillis, limits: IngestLimits) -> EpochMillis? {
        guard seconds.isFinite, seconds > 0, seconds < 1e11 else { return nil }
        return plausible(EpochMillis((seconds * 1000).rounded()), receivedAt: receivedAt, limits: limits)
    }

    static func plausible(_ millis: EpochMillis, receivedAt: EpochMillis, limits: IngestLimits) -> EpochMillis? {
        let (ahead, overflow) = millis.subtractingReportingOverflow(receivedAt)
        guard !overflow, ahead <= limits.maxClockAheadMillis, -ahead <= limits.maxClockBehindMillis else { return nil }
        return millis
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`; nil without a zone or when malformed.
    static func fromISO8601(_ text: String) -> EpochMillis? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A,
              let year = digits(b, 0, 4), let month = digits(b, 5, 2), let day = digits(b, 8, 2),
              let hour = digits(b, 11, 2), let minute = digits(b, 14, 2), let second = digits(b, 17, 2),
              // `2025-02-31` is no date at all, and must not be read as 3 March.
              let date = CivilDate(year: Int64(year), month: Int64(month), day: Int64(day)),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var millis: Int64 = 0
        if b[i] == 0x2E {
            i += 1
            var scale: Int64 = 100
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                millis += Int64(b[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }   // no zone: local time of an unknown zone
        var offsetMinutes: Int64 = 0
        if b[i] == 0x5A {
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D, i + 6 == b.count, b[i + 3] == 0x3A,
                  let h = digits(b, i + 1, 2), let m = digits(b, i + 4, 2), h <= 14, m < 60 {
            offsetMinutes = Int64(h * 60 + m) * (b[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = date.dayNumber * 86_400 + Int64(hour * 3600 + minute * 60 + second) - offsetMinutes * 60
        return seconds * 1000 + millis
    }

    private static func digits(_ b: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for i in start..<(start + count) {
            guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { return nil }
            value = value * 10 + Int(b[i] - 0x30)
        }
        return value
    }

}
