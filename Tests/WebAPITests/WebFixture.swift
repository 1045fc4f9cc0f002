import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import KitchenRules
import Logging
import Storage
import StorageModel
import TestSupport
import Testing
import Traceability
import WebAPI

/// 2026-11-22 08:00 in Wuhan (00:00 UTC).
let webT0: EpochMillis = 1_795_305_600_000

/// A province-sized world in miniature: Wuhan (4201) with a county site, a station site and a
/// market, and Changsha (4301) with the same kinds, so every scoped route has a resource inside
/// and one outside a `4201` regulator's scope. Alarms, evidence, tickets, readings and ledger
/// runs are real rows in a real store: SQLite, or a fresh database on the throw-away PostgreSQL.
struct WebFixture {
    let dir = TemporaryDirectory("bk-web")
    let store: any GatewayStore
    let model: StateModel
    let clock = ManualClock(webT0)
    let service: TraceabilityService
    /// The real gateway pieces over the store, built last: the alarm engine holds the alarms below.
    let dependencies: APIDependencies
    /// Signed codes of a ticket sold in Wuhan and one sold in Changsha.
    let ticketInScope: String
    let ticketOutOfScope: String
    let evidenceInScope: Int64
    let evidenceOutOfScope: Int64

    static let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
    static let changshaFridge = DeviceKey(site: SiteID("canteen-02")!, device: DeviceID("fridge-1")!)

    init(_ backend: StoreBackend = .sqlite) throws {
        store = try openWebTestStore(backend, in: dir)
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106"}
              - {id: canteen-03, name: 青山食堂, kind: canteen, region: "420107-01"}
              - {id: market-01, name: 珞狮路市场, kind: market, region: "420111", stalls: [{id: A12, vendor: 王建国}]}
              - {id: canteen-02, name: 长沙食堂, kind: canteen, region: "430102"}
              - {id: market-02, name: 长沙市场, kind: market, region: "430102", stalls: [{id: B1, vendor: 李明}]}
            devices:
              - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold}
              - {id: fridge-1, site: canteen-02, kind: thermo, zone: cold}
              - {id: cam-1, site: canteen-03, kind: camera}
            """)
        model = StateModel(registry: registry, restoring: [], startedAt: webT0 - 86_400_000)
        _ = model.apply(DeviceMessage(key: Self.fridge, receivedAt: webT0,
                                      sequence: SequenceStamp(seq: 1, deviceTime: webT0),
                                      payload: .telemetry(.thermo(ThermoReading(celsius: 3.5)))))
        service = TraceabilityService(store: store, batches: BatchCache(store: store, logger: Logger(label: "test")),
                                      issuer: TicketIssuer(keyring: .generate(), publicURL: "https://t.example.cn"))

        // Wuhan: a fridge that ran warm for 40 minutes and was rectified; a class-1 violation
        // at the station site, on a yellow card. Changsha: one open alarm.
        try Self.record(Self.excursion(), region: "420106", store: store)
        try Self.record(Self.violation(), region: "420107-01", store: store)
        try Self.record(Self.excursion(id: "al_cs", device: Self.changshaFridge), region: "430102", store: store)
        evidenceInScope = try Self.evidence(alarm: "al_in", camera: Self.fridge, store: store)
        evidenceOutOfScope = try Self.evidence(alarm: "al_cs", camera: Self.changshaFridge, store: store)

        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        defer { writer.stop() }
        let inScope = Self.ticket(service, site: "market-01", stall: "A12", batch: "b-in")
        let outOfScope = Self.ticket(service, site: "market-02", stall: "B1", batch: "b-out")
        ticketInScope = inScope.code
        ticketOutOfScope = outOfScope.code
        var items: [WriteItem] = [.ticket(inScope), .ticket(outOfScope)]
        // Readings across the report day (local 2026-11-22): 2.0, 3.0 ... 6.0 °C, then 9.0 (the excursion).
        for (i, celsius) in [2.0, 3.0, 4.0, 5.0, 6.0, 9.0].enumerated() {
            let at = webT0 - 7 * 3_600_000 + EpochMillis(i) * 3_600_000
            items.append(.reading(ReadingRecord(key: Self.fridge, boot: 1, seq: Int64(i + 1), deviceTime: at,
                                                receivedAt: at, readings: .thermo(ThermoReading(celsius: celsius)))))
        }
        try writer.submitAndWait(items)
        try store.recordLedger(LedgerRow(key: DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("dis-1")!),
                                         start: webT0 - 3_600_000, end: webT0 - 3_000_000, mode: "heat", passed: false,
                                         scheduledFor: webT0 - 3_600_000, entryJSON: "{}"))
        try Self.seedComplaints(store)
        // The voice-warning clips (VoiceRoutes): the default one plays for every label.
        try FileManager.default.createDirectory(atPath: dir.file("voice"), withIntermediateDirectories: true)
        try Data([UInt8](repeating: 0xFF, count: 1_600)).write(to: URL(fileURLWithPath: dir.file("voice/default.ulaw")))
        dependencies = try .gateway(model: model, store: store, clock: clock, service: service, voiceClips: dir.file("voice"))
    }

    /// The same gateway as after a restart: a new alarm engine restored from what the store holds
    /// now (alarms a test recorded straight into the store after the fixture was made).
    func restarted() throws -> APIDependencies {
        try .gateway(model: model, store: store, clock: clock, service: service, voiceClips: dir.file("voice"))
    }

    func token(_ role: Role, _ scope: String? = nil) throws -> HTTPFields {
        let (token, _) = try store.createToken(role: role, scope: scope, now: webT0)
        return [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    func router() -> Router<GatewayRequestContext> { buildRouter(dependencies) }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: router()).test(.router, body)
    }

    /// Two batches made through the API, as a market would.
    func addBatches(_ client: any TestClientProtocol) async throws {
        let admin = try token(.admin)
        for (site, id) in [("market-01", "b-in"), ("market-02", "b-out")] {
            let body = #"{"id":"\#(id)","item":"青菜","category":"蔬菜","quantity":50,"unit":"kg","supplier":{"name":"绿源","licence":"L-1"},"origin":{"place":"蔡甸"},"arrival_date":"2026-11-22","inspection":{"method":"voucher","passed":true,"voucher_number":"HG-001"}}"#
            try await client.execute(uri: "/api/v1/sites/\(site)/batches", method: .post, headers: admin,
                                     body: ByteBuffer(string: body)) { #expect($0.status == .created) }
        }
    }

    static func excursion(id: String = "al_in", device: DeviceKey = fridge) -> AlarmRecord {
        let start = webT0 - 2 * 3_600_000
        let lifecycle = AlarmLifecycle()
        var record = lifecycle.raise(AlarmSignal(.raise, .tooWarm, device: device, at: start + 600_000,
                                                 detail: AlarmDetail(value: 9, limit: 8, peak: 9.4, since: start,
                                                                     message: "冷藏温度过高", messageEN: "too warm")),
                                     id: id).record
        guard id == "al_in" else { return record }
        record = lifecycle.apply(AlarmSignal(.clear, .tooWarm, device: device, at: start + 2_400_000,
                                             detail: AlarmDetail(message: "恢复", messageEN: "back")),
                                 to: record, newID: { id })!.record
        return (try? lifecycle.rectify(record, by: "张师傅", action: "食材移入备用冰箱并检修门封", at: start + 3_000_000))?.record
            ?? record
    }

    static func violation() -> AlarmRecord {
        let camera = DeviceKey(site: SiteID("canteen-03")!, device: DeviceID("cam-1")!)
        var record = AlarmLifecycle().raise(AlarmSignal(.raise, .violation, device: camera, label: "rodent",
                                                        riskClass: .class1, at: webT0 - 6 * 86_400_000,
                                                        detail: AlarmDetail(message: "发现老鼠", messageEN: "rodent")),
                                            id: "al_v").record
        record.card = .yellow
        return record
    }

    static func record(_ r: AlarmRecord, region: String, store: any GatewayStore) throws {
        try store.record(alarm: AlarmRow(id: r.id, identity: r.identity.description, site: r.device.site, region: region,
                                         device: r.device.device.rawValue, kind: r.kind, riskClass: r.riskClass,
                                         state: r.state, card: r.card, raisedAt: r.raisedAt,
                                         updatedAt: r.rectifiedAt ?? r.raisedAt, recordJSON: r.storedJSON),
                         transition: TransitionRow(alarmID: r.id, at: r.raisedAt, kind: "raised", actor: nil, note: nil,
                                                   bodyJSON: "{}"),
                         outboxTargets: [], now: r.raisedAt)
    }

    private static func evidence(alarm: String, camera: DeviceKey, store: any GatewayStore) throws -> Int64 {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xD9]
        return try #require(try store.insertEvidence(EvidenceRecord(
            alarmID: alarm, camera: camera, snapshot: "evt-\(alarm)", source: .camera, label: "rodent", score: 0.9,
            box: nil, at: webT0, storedAt: webT0, original: jpeg, originalWidth: 1, originalHeight: 1,
            thumbnail: jpeg, thumbnailWidth: 1, thumbnailHeight: 1), limit: 20))
    }

    private static func ticket(_ service: TraceabilityService, site: String, stall: String, batch: String) -> Ticket {
        let code = service.issuer.keyring.mint()
        return Ticket(id: code.ticketID.rawValue, code: code.text, traceNumber: TraceNumber(ticketID: code.ticketID).digits,
                      keyID: code.keyID.description, scale: DeviceKey(site: SiteID(site)!, device: DeviceID("scale-1")!),
                      req: "r-\(site)", stall: stall, batch: BatchID(batch)!, plu: "001", item: "青菜", grams: 500,
                      unitPriceFen: 800, totalFen: 400, issuedAt: webT0 - 60_000)
    }
}

/// A fresh store of `backend` for a web test: a SQLite file in `dir`, or a new database on the
/// shared throw-away PostgreSQL opened the way `serve` opens one (password file in `dir`).
func openWebTestStore(_ backend: StoreBackend, in dir: TemporaryDirectory) throws -> any GatewayStore {
    switch backend {
    case .sqlite:
        return try Store(path: dir.file("bk.sqlite"))
    case .postgres:
        let server = try ThrowawayPostgres.shared()
        try ThrowawayPostgres.password.write(toFile: dir.file("database-password"), atomically: true, encoding: .utf8)
        return try StoreOpener.open(server.url(database: try server.createDatabase()),
                                    passwordFile: dir.file("database-password"), now: webT0).store
    }
}
