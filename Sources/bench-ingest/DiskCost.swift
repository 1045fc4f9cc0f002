import Foundation
import KitchenModel
import Logging
import Storage
import StorageModel

/// Phase 3: bytes on disk per sensor, measured by writing `days` of one-per-interval
/// readings for a few sensors through the real batch writer.
struct DiskCost {
    let days: Int
    let intervalSeconds: Int

    func run() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bk-disk-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/bk.sqlite")
        let writer = BatchWriter(store: store, logger: Logger(label: "disk"))
        writer.start()
        let sensors = 10
        let perDay = 86_400 / intervalSeconds
        let start: EpochMillis = 1_767_225_600_000  // 2026-01-01
        let site = SiteID("disk")!
        for s in 0..<sensors {
            let key = DeviceKey(site: site, device: DeviceID("t-\(s)")!)
            var items: [WriteItem] = []
            for i in 0..<(perDay * days) {
                let ts = start + EpochMillis(i * intervalSeconds * 1000)
                items.append(.reading(ReadingRecord(key: key, boot: 1, seq: Int64(i), deviceTime: ts, receivedAt: ts + 40,
                                                    readings: .thermo(ThermoReading(celsius: 3 + Double(i % 50) / 10,
                                                                                    humidity: 60 + Double(i % 30) / 10,
                                                                                    battery: 90)))))
                if items.count == 10_000 { try writer.submit(items); items.removeAll(keepingCapacity: true) }
            }
            try writer.submit(items)
        }
        try writer.flush()
        writer.stop()
        try store.checkpoint()
        let counts = try store.counts()
        let bytes = (try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int) ?? 0
        let rollupShare = Double(counts.rollups) / Double(counts.readings + counts.rollups)
        let perReading = Double(bytes) / Double(counts.readings + counts.rollups)
        let rawPerYear = perReading * Double(perDay * 365)
        let rawRetained = perReading * Double(perDay * 30)
        let rollupsPerYear = perReading * Double(24 * 365 * 2)  // t and rh
        print("\n## Disk cost: \(sensors) sensors × \(days) days at one reading per \(intervalSeconds) s")
        print(String(format: "file %.1f MB for %d readings + %d hourly rollups (%.1f%% rollups) = %.0f bytes per row",
                     Double(bytes) / 1_048_576, counts.readings, counts.rollups, rollupShare * 100, perReading))
        print(String(format: "one sensor-year of raw readings   %6.1f MB (kept 30 days by default: %.1f MB)",
                     rawPerYear / 1_048_576, rawRetained / 1_048_576))
        print(String(format: "one sensor-year of hourly rollups %6.2f MB (kept 2 years: %.2f MB)",
                     rollupsPerYear / 1_048_576, 2 * rollupsPerYear / 1_048_576))
    }
}
