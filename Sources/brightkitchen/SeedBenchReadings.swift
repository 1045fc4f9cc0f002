import KitchenModel
import StorageModel

/// `seed --bench-readings N` (scripts/bench-store-copy): N thermo readings from 100 fridges of a
/// bench site, one a minute each, ending at `now`, so a million readings span about a week of
/// day partitions, as a real site's would.
enum SeedBenchReadings {
    static let devices = 100

    /// Hands the readings to `body` `size` at a time (never all in memory at once).
    static func forEachChunk(count: Int, now: EpochMillis, size: Int = 5_000,
                             _ body: ([WriteItem]) throws -> Void) rethrows {
        let perDevice = (count + devices - 1) / devices
        var chunk: [WriteItem] = []
        var written = 0
        for index in 0..<devices where written < count {
            let key = DeviceKey(site: SiteID("bench-site")!, device: DeviceID("fridge-\(index)")!)
            for seq in 1...Int64(perDevice) where written < count {
                let at = now - (Int64(perDevice) - seq) * 60_000
                let celsius = 4.0 + Double((seq * 7 + Int64(index)) % 30) / 10
                chunk.append(.reading(ReadingRecord(key: key, boot: 1, seq: seq, deviceTime: at, receivedAt: at,
                                                    readings: .thermo(ThermoReading(celsius: celsius, humidity: 60)))))
                written += 1
                if chunk.count == size {
                    try body(chunk)
                    chunk = []
                }
            }
        }
        if !chunk.isEmpty { try body(chunk) }
    }
}
