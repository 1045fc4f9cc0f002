import KitchenModel

/// Reads the `seq`, `ts` and optional `boot` every telemetry, event and weigh message carries,
/// and checks the device clock against the gateway's. Replays keep their original `ts` (hence
/// a behind-limit of days, not minutes) and their original `boot`, which is how the gateway
/// files a replay made after a reconnect under the boot that recorded it.
enum SequenceDecoder {
    static func decode(_ fields: FieldReader, receivedAt: EpochMillis, limits: IngestLimits) throws(Rejection) -> SequenceStamp {
        let seq = try fields.int("seq", in: ProtocolRanges.counter)
        let ts = try fields.int("ts", in: ProtocolRanges.counter)
        let boot = try fields.optionalInt("boot", in: ProtocolRanges.counter)
        // ts is within 0...2^53, so only an absurd gateway clock could overflow this.
        let (ahead, overflow) = ts.subtractingReportingOverflow(receivedAt)
        guard !overflow else {
            throw Rejection(.clockSkew, "field 'ts' \(ts) cannot be compared with the gateway clock \(receivedAt)")
        }
        if ahead > limits.maxClockAheadMillis {
            throw Rejection(.clockSkew, "field 'ts' \(ts) is \(ahead) ms (\(describe(ahead))) ahead of the gateway "
                + "clock \(receivedAt); the limit is \(describe(limits.maxClockAheadMillis)); sync the device clock (SNTP)")
        }
        if -ahead > limits.maxClockBehindMillis {
            throw Rejection(.clockSkew, "field 'ts' \(ts) is \(-ahead) ms (\(describe(-ahead))) behind the gateway "
                + "clock \(receivedAt); the limit is \(describe(limits.maxClockBehindMillis)); sync the device clock (SNTP)")
        }
        return SequenceStamp(seq: seq, deviceTime: ts, boot: boot)
    }

    /// A duration for people: "12.5 min", "3 h", "8.2 days".
    static func describe(_ millis: Int64) -> String {
        func trim(_ d: Double) -> String {
            let rounded = (d * 10).rounded() / 10
            return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
        }
        let seconds = Double(millis) / 1000
        if seconds < 120 { return "\(trim(seconds)) s" }
        if seconds < 7200 { return "\(trim(seconds / 60)) min" }
        if seconds < 172_800 { return "\(trim(seconds / 3600)) h" }
        return "\(trim(seconds / 86_400)) days"
    }
}
