import KitchenModel
import Foundation
import Logging
import PostgresStorage
import Storage
import StorageModel
import TestSupport
import Testing

let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
let hourStart: EpochMillis = 1_795_276_800_000

func thermo(_ seq: Int64, t: Double, at ts: EpochMillis = hourStart, boot: Int64 = 1) -> WriteItem {
    .reading(ReadingRecord(key: fridge, boot: boot, seq: seq, deviceTime: ts, receivedAt: ts + 50,
                           readings: .thermo(ThermoReading(celsius: t, humidity: 60, battery: 90))))
}

/// A fresh, empty store of one backend. `reopen()` opens the same data again, as a restart would.
final class TestStore: Sendable {
    let backend: StoreBackend
    let store: any GatewayStore
    private let dir = TemporaryDirectory("bk-storage")
    private let postgresURL: PostgresURL?

    init(_ backend: StoreBackend) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            postgresURL = nil
            store = try Store(path: dir.file("bk.sqlite"))
        case .postgres:
            let server = try ThrowawayPostgres.shared()
            let url = try PostgresURL(server.url(database: try server.createDatabase()))
            postgresURL = url
            store = try Self.openPostgres(url)
        }
    }

    func reopen() throws -> any GatewayStore {
        switch backend {
        case .sqlite: try Store(path: dir.file("bk.sqlite"))
        case .postgres: try Self.openPostgres(postgresURL!)
        }
    }

    private static func openPostgres(_ url: PostgresURL) throws -> PostgresStore {
        try PostgresStore.open(url: url, password: ThrowawayPostgres.password,
                               now: EpochMillis(Date().timeIntervalSince1970 * 1000))
    }
}

/// A store of one backend with a running writer; stopped by the caller.
struct WriterFixture {
    let opened: TestStore
    var store: any GatewayStore { opened.store }
    let writer: BatchWriter

    init(_ backend: StoreBackend = .sqlite, options: BatchWriter.Options = BatchWriter.Options()) throws {
        opened = try TestStore(backend)
        writer = BatchWriter(store: opened.store, options: options, logger: Logger(label: "test"))
        writer.start()
    }

    func reopen() throws -> any GatewayStore { try opened.reopen() }
}
