import ArgumentParser
import CameraVision
import Foundation
import Gateway
import KitchenModel
import KitchenRules
import Logging
import Storage
import StorageModel
import Traceability

/// `brightkitchen seed --data-dir DIR`: a small world with a week of history, for trying the
/// dashboard and for the browser test (`scripts/browser-test`). Everything but the ticket's code
/// and the timestamps (relative to now) is fixed, so checks can name what they expect.
struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a demo registry and database with a week of readings, alarms, evidence and a ticket.",
        discussion: """
            Writes DIR/brightkitchen.yaml, DIR/brightkitchen.sqlite and DIR/ticket-keys, then prints \
            the ticket's lookup path. Serve it with `brightkitchen serve --data-dir DIR --config DIR/brightkitchen.yaml`.
            """)

    @Option(help: "Directory to create the registry, database and ticket keyring in; must not hold a database yet.")
    var dataDir: String

    static let registry = """
        # Written by `brightkitchen seed`: two Wuhan canteens and a market, and one Changsha canteen.
        sites:
          - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106"}
          - {id: canteen-03, name: 青山区实验小学食堂, kind: canteen, region: "420107-01"}
          - {id: market-01, name: 珞狮路农贸市场, kind: market, region: "420111", stalls: [{id: A12, vendor: 王建国}]}
          - {id: canteen-02, name: 长沙市第五中学食堂, kind: canteen, region: "430102"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 600}
          - {id: freezer-1, site: canteen-01, kind: thermo, zone: freezer, interval_s: 600}
          - {id: cam-1, site: canteen-01, kind: camera, interval_s: 600}
          - {id: cam-1, site: canteen-03, kind: camera, interval_s: 600}
          - {id: fridge-1, site: canteen-02, kind: thermo, zone: cold, interval_s: 600}
          - {id: scale-1, site: market-01, kind: scale, stall: A12, interval_s: 600}
        """

    /// For scripts/bench-store-copy: this many more readings, through the same writer.
    @Option(help: .hidden)
    var benchReadings: Int = 0

    func run() throws {
        let fm = FileManager.default
        // Owner-only, as the store makes its own directory (docs/operations.md, File permissions).
        try fm.createDirectory(atPath: dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let database = dataDir + "/brightkitchen.sqlite"
        guard !fm.fileExists(atPath: database) else {
            throw ValidationError("'\(database)' exists; seed writes a fresh database (pick an empty --data-dir)")
        }
        try Self.registry.write(toFile: dataDir + "/brightkitchen.yaml", atomically: true, encoding: .utf8)
        let registry = try RegistryFile.parse(yaml: Self.registry)
        let store = try Store(path: database)
        let now = SystemClock().now() / 60_000 * 60_000
        let writer = BatchWriter(store: store, logger: Logger(label: "seed"))
        writer.start()
        defer { writer.stop() }

        try writer.submitAndWait(SeedReadings.items(now: now))
        for (site, alarms) in try SeedAlarms.all(now: now) {
            guard let region = registry.site(site)?.region.description else { throw ValidationError("seed names unknown site \(site)") }
            for step in alarms { try SeedAlarms.record(step, region: region, store: store) }
        }
        try SeedAlarms.evidence(now: now, store: store)
        let keyring = try KeyringFile.loadOrCreate(path: dataDir + "/ticket-keys")
        let ticket = try Self.ticket(keyring: keyring, store: store, now: now)
        let key = TicketKeyRecord(keyID: keyring.activeKey.id.description, fingerprint: keyring.activeKey.fingerprint,
                                  firstSigned: now)
        try writer.submitAndWait([.ticketKey(key), .ticket(ticket)])
        if benchReadings > 0 {
            try SeedBenchReadings.forEachChunk(count: benchReadings, now: now) { try writer.submit($0) }
            try writer.flush()
        }
        print("/t/\(ticket.code)")
    }

    static func ticket(keyring: TicketKeyring, store: any GatewayStore, now: EpochMillis) throws -> Ticket {
        let market = SiteID("market-01")!
        let batch = Batch(id: BatchID("seed-qingcai")!, site: market, stall: "A12", item: "青菜", category: "蔬菜", quantity: 80,
                          unit: "kg", supplier: Supplier(name: "蔡甸绿源蔬菜基地", licence: "JY14201140000001"),
                          origin: Origin(place: "湖北省武汉市蔡甸区", producer: "蔡甸绿源蔬菜基地", regionCode: "420114"),
                          arrivalDate: String(ReceiptFormat.shanghaiTime(Date(timeIntervalSince1970: Double(now) / 1000)).prefix(10)),
                          inspection: Inspection(method: .rapidTest, passed: true, items: ["有机磷和氨基甲酸酯类农药残留"],
                                                 tester: "市场快检室", at: now - 3 * 3_600_000),
                          createdAt: now - 4 * 3_600_000, updatedAt: now - 3 * 3_600_000)
        try store.createBatch(batch, actor: "seed")
        let code = keyring.mint()
        return Ticket(id: code.ticketID.rawValue, code: code.text, traceNumber: TraceNumber(ticketID: code.ticketID).digits,
                      keyID: code.keyID.description, scale: DeviceKey(site: market, device: DeviceID("scale-1")!),
                      req: "seed-1", stall: "A12", batch: batch.id, plu: "001", item: "青菜", grams: 1250,
                      unitPriceFen: 600, totalFen: 750, issuedAt: now - 20 * 60_000)
    }
}
