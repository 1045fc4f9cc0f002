import Foundation
import Gateway
import KitchenModel
import Ledgers
import MQTTClient
import StorageModel
import TestSupport
import Testing

/// Issue 17's 留样柜 end to end: the registry's meal plan synced into the ledger at start; `sample`
/// events published to the real broker, decoded by the real gateway, filed once however often they
/// arrive; an unknown dish refused, counted and stored nowhere in the ledger; a `door` event taking
/// a box out early recorded against its sample; the cabinet's fridge telemetry stored like a thermometer's.
@Suite(.serialized) struct SamplerLoopTests {
    static let registry = """
        sites:
          - id: canteen-01
            name: 武汉市第一中学食堂
            kind: canteen
            region: "420106"
            hours: "06:00-20:00"
            meal_plan:
              - {meal: lunch, ends: "23:59", dishes: [番茄炒蛋, 红烧排骨]}
              - {meal: breakfast, dishes: [包子]}
        devices:
          - {id: sampler-1, site: canteen-01, kind: sampler, interval_s: 60}
        """

    @Test(arguments: StoreBackend.allCases) func publishedSamplesAndDoorEventsBecomeLedgerEntriesOnce(_ backend: StoreBackend) async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: backend)
        defer { bench.tearDown() }
        let gateway = try bench.startGateway()
        try await bench.waitUntilHealthy(gateway)
        let store = try bench.openStore()
        let canteen = SiteID("canteen-01")!
        let samples = { (try? store.ledgerEntries(site: canteen, kind: "sample")) ?? [] }
        let plans = try store.ledgerEntries(site: canteen, kind: "meal-plan")
        #expect(plans.count == 1 && plans.first?.source == "registry", "the registry's meal plan is on the ledger")

        let device = try bench.deviceClient("sampler-1")
        defer { device.stop() }
        let topic = "bk/v1/canteen-01/sampler-1/"
        _ = try device.publish(topic: topic + "birth", payload: Array(#"{"kind":"sampler","model":"BK-S1","fw":"2.0.1","boot":1,"interval_s":60,"next_seq":1}"#.utf8), qos: 1)
        let now = SystemClock().now()
        func sample(_ seq: Int, _ box: String, _ dish: String, _ grams: Double) -> [UInt8] {
            Array(#"{"seq":\#(seq),"ts":\#(now + Int64(seq)),"boot":1,"type":"sample","box":"\#(box)","meal":"lunch","dish":"\#(dish)","grams":\#(grams)}"#.utf8)
        }
        _ = try device.publish(topic: topic + "telemetry", payload: Array(#"{"seq":1,"ts":\#(now),"boot":1,"t":4.1,"rh":70}"#.utf8), qos: 1)
        _ = try device.publish(topic: topic + "event", payload: sample(2, "L1", "番茄炒蛋", 151.5), qos: 1)
        #expect(eventually(timeout: .seconds(10)) { samples().count == 1 }, "the sample reaches the ledger")
        _ = try device.publish(topic: topic + "event", payload: sample(2, "L1", "番茄炒蛋", 151.5), qos: 1)   // redelivered
        _ = try device.publish(topic: topic + "event", payload: sample(3, "L2", "红烧排骨", 110), qos: 1)
        #expect(eventually(timeout: .seconds(10)) { samples().count == 2 })
        try await Task.sleep(for: .milliseconds(300))
        let entries = samples()
        #expect(entries.count == 2, "a redelivered sample is not appended twice")
        let records = try entries.map { try LedgerBody.decode(SampleRecord.self, from: $0.body) }
        #expect(records.map(\.sample.dish) == ["番茄炒蛋", "红烧排骨"] && records.map(\.enough) == [true, false])
        #expect(entries.allSatisfy { $0.source == "device:sampler-1" } && records.allSatisfy { $0.sample.fridge == "sampler-1" })

        // A dish the plan does not list: refused with a reason, counted, nothing in the ledger.
        _ = try device.publish(topic: topic + "event", payload: sample(4, "L3", "鱼香肉丝", 150), qos: 1)
        #expect(eventually(timeout: .seconds(10)) { ((try? store.rejects(reason: "ledger_refused")) ?? []).count == 1 })
        let refused = try #require(try store.rejects(reason: "ledger_refused").first)
        #expect(refused.record.message.contains("unknown-dish"), "\(refused.record.message)")
        // Negative grams never reach the ledger: the decoder refuses them.
        _ = try device.publish(topic: topic + "event", payload: sample(5, "L3", "番茄炒蛋", -3), qos: 1)
        #expect(eventually(timeout: .seconds(10)) { ((try? store.rejects(reason: "out_of_range")) ?? []).count == 1 })
        #expect(samples().count == 2)

        // The door: L1 taken out minutes after it went in, long before its 48 h.
        let door = #"{"seq":6,"ts":\#(now + 6),"boot":1,"type":"door","open_s":12,"removed":["L1"]}"#
        _ = try device.publish(topic: topic + "event", payload: Array(door.utf8), qos: 1)
        let removals = { (try? store.ledgerEntries(site: canteen, kind: "sample-removal")) ?? [] }
        #expect(eventually(timeout: .seconds(10)) { removals().count == 1 })
        let removal = try LedgerBody.decode(SampleRemoval.self, from: try #require(removals().first).body)
        #expect(removal.sample == entries[0].seq && removal.early && removal.dish == "番茄炒蛋")

        // The fridge's reading is stored as a thermometer's, for the 48 h check.
        let cabinet = DeviceKey(site: canteen, device: DeviceID("sampler-1")!)
        let readings = try store.readings(of: cabinet)
        #expect(readings.count == 1)
        if case .thermo(let t) = readings.first?.readings { #expect(t.celsius == 4.1) } else { Issue.record("not a thermo reading") }
        #expect(try LedgerBook(store: store, keyring: try KeyringFile.load(path: bench.dir.file("ticket-keys"))).verify(canteen).intact)
    }

    /// Killed after the event's commit but before the ledger's: the broker redelivers the `sample`,
    /// the gateway sees a duplicate of what it stored, and still files the sample, once.
    @Test(arguments: StoreBackend.allCases) func aSampleLostToACrashAfterItsEventWasStoredIsFiledOnRedelivery(_ backend: StoreBackend) async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: backend)
        defer { bench.tearDown() }
        let gateway = try bench.startGateway(environment: ["BRIGHTKITCHEN_FAILPOINT": "stall-after-commit:sampler-1/event"])
        try await bench.waitUntilHealthy(gateway)
        let device = try bench.deviceClient("sampler-1")
        defer { device.stop() }
        let now = SystemClock().now()
        let body = #"{"seq":1,"ts":\#(now),"boot":1,"type":"sample","box":"L1","meal":"lunch","dish":"红烧排骨","grams":140}"#
        _ = try device.publish(topic: "bk/v1/canteen-01/sampler-1/event", payload: Array(body.utf8), qos: 1)
        #expect(eventually(timeout: .seconds(15)) { gateway.stderr.contains("FAILPOINT") }, "\(gateway.stderr)")
        let canteen = SiteID("canteen-01")!
        let store = try bench.openStore()
        let cabinet = DeviceKey(site: canteen, device: DeviceID("sampler-1")!)
        #expect(try store.storedSequenceNumbers(of: cabinet).count == 1, "the event is stored")
        #expect(try store.ledgerEntries(site: canteen, kind: "sample").isEmpty, "the ledger entry is not, yet")
        gateway.kill()

        let restarted = try bench.startGateway()
        try await bench.waitUntilHealthy(restarted)
        #expect(eventually(timeout: .seconds(15)) { ((try? store.ledgerEntries(site: canteen, kind: "sample")) ?? []).count == 1 })
        try await Task.sleep(for: .milliseconds(500))
        let entries = try store.ledgerEntries(site: canteen, kind: "sample")
        #expect(entries.count == 1)
        #expect(try store.storedSequenceNumbers(of: cabinet).count == 1, "the redelivery was a duplicate event")
        #expect(try LedgerBody.decode(SampleRecord.self, from: try #require(entries.first).body).sample.dish == "红烧排骨")
        restarted.terminate()
    }
}
