import KitchenModel
import Logging
import Storage
import StorageModel
import TestSupport

let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
let hourStart: EpochMillis = 1_795_276_800_000

func thermo(_ seq: Int64, t: Double, at ts: EpochMillis = hourStart, boot: Int64 = 1) -> WriteItem {
    .reading(ReadingRecord(key: fridge, boot: boot, seq: seq, deviceTime: ts, receivedAt: ts + 50,
                           readings: .thermo(ThermoReading(celsius: t, humidity: 60, battery: 90))))
}

/// A store in a fresh temp dir with a running writer; stopped by the caller.
struct WriterFixture {
    let dir = TemporaryDirectory("bk-storage")
    let store: Store
    let writer: BatchWriter

    init(options: BatchWriter.Options = BatchWriter.Options()) throws {
        store = try Store(path: dir.file("bk.sqlite"))
        writer = BatchWriter(store: store, options: options, logger: Logger(label: "test"))
        writer.start()
    }
}
