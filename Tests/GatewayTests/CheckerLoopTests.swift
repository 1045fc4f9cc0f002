import Foundation
import Gateway
import KitchenModel
import Ledgers
import MQTTClient
import StorageModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 17's 晨检仪 end to end: a `check` published to the real broker, decoded by the real
/// gateway, filed in the morning-check ledger once however often it arrives; a fever excludes the
/// worker; an unknown worker is refused, counted and stores nothing in the ledger.
@Suite(.serialized) struct CheckerLoopTests {
    static let registry = """
        sites:
          - id: canteen-01
            name: 武汉市第一中学食堂
            kind: canteen
            region: "420106"
            hours: "06:00-20:00"
            staff:
              - {id: w-001, name: 王芳, role: cook, cert_no: "420106-2026-0001", cert_expiry: "2099-03-31"}
              - {id: w-002, name: 李强, role: helper, cert_no: "420106-2026-0002", cert_expiry: "2099-03-31"}
        devices:
          - {id: checker-1, site: canteen-01, kind: checker, interval_s: 300}
        """

    @Test(arguments: StoreBackend.allCases) func aPublishedCheckBecomesOneLedgerEntryAndAFeverExcludes(_ backend: StoreBackend) async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: backend)
        defer { bench.tearDown() }
        let gateway = try bench.startGateway()
        try await bench.waitUntilHealthy(gateway)
        let store = try bench.openStore()
        let canteen = SiteID("canteen-01")!
        let checks = { (try? store.ledgerEntries(site: canteen, kind: "morning-check")) ?? [] }

        let device = try bench.deviceClient("checker-1")
        defer { device.stop() }
        let topic = "bk/v1/canteen-01/checker-1/"
        _ = try device.publish(topic: topic + "birth", payload: Array(#"{"kind":"checker","model":"BK-C1","fw":"1.2.0","boot":1,"interval_s":300,"next_seq":1}"#.utf8), qos: 1)
        let now = SystemClock().now()
        func check(_ seq: Int, _ worker: String, _ t: Double, symptoms: String = "") -> [UInt8] {
            Array(#"{"seq":\#(seq),"ts":\#(now + Int64(seq)),"boot":1,"type":"check","worker":"\#(worker)","via":"card","temp_c":\#(t),"hands_ok":true,"uniform_ok":true\#(symptoms)}"#.utf8)
        }

        _ = try device.publish(topic: topic + "event", payload: check(1, "w-001", 36.5), qos: 1)
        #expect(eventually(timeout: .seconds(10)) { checks().count == 1 }, "the check reaches the ledger")
        // Redelivered (same boot and seq), then the next check: the ledger gains only the second.
        _ = try device.publish(topic: topic + "event", payload: check(1, "w-001", 36.5), qos: 1)
        _ = try device.publish(topic: topic + "event", payload: check(2, "w-002", 37.8, symptoms: #","symptoms":["sore-throat"]"#), qos: 1)
        #expect(eventually(timeout: .seconds(10)) { checks().count == 2 })
        try await Task.sleep(for: .milliseconds(300))
        let entries = checks()
        #expect(entries.count == 2, "a redelivered check is not appended twice")
        #expect(entries.allSatisfy { $0.source == "device:checker-1" })
        let records = try entries.map { try LedgerBody.decode(MorningCheckRecord.self, from: $0.body) }
        #expect(records.map(\.check.worker) == ["w-001", "w-002"])
        #expect(!records[0].excluded && records[0].reasons.isEmpty && records[0].name == "王芳")
        #expect(records[1].excluded && records[1].reasons == ["fever", "sore-throat"], "37.8 °C excludes the worker today")
        #expect(records.map(\.deviceEvent) == ["1/1", "1/2"])

        // A worker the site does not employ: refused with a reason, counted, nothing in the ledger.
        _ = try device.publish(topic: topic + "event", payload: check(3, "w-999", 36.5), qos: 1)
        #expect(eventually(timeout: .seconds(10)) { ((try? store.rejects(reason: "ledger_refused")) ?? []).count == 1 })
        let refused = try #require(try store.rejects(reason: "ledger_refused").first)
        #expect(refused.record.message.contains("unknown-worker") && refused.record.message.contains("w-999"), "\(refused.record.message)")
        #expect(refused.record.topic == topic + "event")
        #expect(checks().count == 2)
        let (token, _) = try store.createToken(role: .admin, scope: nil, label: "test", now: SystemClock().now())
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(bench.httpPort)/metrics")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let metrics = String(decoding: try await URLSession.shared.data(for: request).0, as: UTF8.self)
        #expect(metrics.contains(#"bk_rejects_total{reason="ledger_refused"} 1"#))
        #expect(try LedgerBook(store: store, keyring: try KeyringFile.load(path: bench.dir.file("ticket-keys"))).verify(canteen).intact)
    }

    /// Killed after the event's commit but before the ledger's: the broker redelivers the event,
    /// the gateway sees a duplicate of what it stored, and still files the check, once.
    @Test(arguments: StoreBackend.allCases) func aCheckLostToACrashAfterItsEventWasStoredIsFiledOnRedelivery(_ backend: StoreBackend) async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: backend)
        defer { bench.tearDown() }
        let gateway = try bench.startGateway(environment: ["BRIGHTKITCHEN_FAILPOINT": "stall-after-commit:checker-1/event"])
        try await bench.waitUntilHealthy(gateway)
        let device = try bench.deviceClient("checker-1")
        defer { device.stop() }
        let now = SystemClock().now()
        let body = #"{"seq":1,"ts":\#(now),"boot":1,"type":"check","worker":"w-002","via":"face","temp_c":37.4,"hands_ok":true,"uniform_ok":true}"#
        _ = try device.publish(topic: "bk/v1/canteen-01/checker-1/event", payload: Array(body.utf8), qos: 1)
        #expect(eventually(timeout: .seconds(15)) { gateway.stderr.contains("FAILPOINT") }, "\(gateway.stderr)")
        let canteen = SiteID("canteen-01")!
        let store = try bench.openStore()
        let checker = DeviceKey(site: canteen, device: DeviceID("checker-1")!)
        #expect(try store.storedSequenceNumbers(of: checker).count == 1, "the event is stored")
        #expect(try store.ledgerEntries(site: canteen, kind: "morning-check").isEmpty, "the ledger entry is not, yet")
        gateway.kill()

        let restarted = try bench.startGateway()
        try await bench.waitUntilHealthy(restarted)
        #expect(eventually(timeout: .seconds(15)) { ((try? store.ledgerEntries(site: canteen, kind: "morning-check")) ?? []).count == 1 })
        try await Task.sleep(for: .milliseconds(500))
        let entries = try store.ledgerEntries(site: canteen, kind: "morning-check")
        #expect(entries.count == 1)
        #expect(try store.storedSequenceNumbers(of: checker).count == 1, "the redelivery was a duplicate event")
        let record = try LedgerBody.decode(MorningCheckRecord.self, from: try #require(entries.first).body)
        #expect(record.excluded && record.reasons == ["fever"])
        restarted.terminate()
    }
}
