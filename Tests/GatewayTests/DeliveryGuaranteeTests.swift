import Foundation
import KitchenModel
import Logging
import MQTTClient
import Storage
import StorageModel
import TestSupport
import Testing

/// Pins ARCHITECTURE.md's delivery decision against the real binary, broker and
/// database: a gateway SIGKILLed while handling a QoS 1 message gets it again after a
/// restart and stores it exactly once.
@Suite(.serialized) struct DeliveryGuaranteeTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
        devices:
          - {id: cam-1, site: canteen-01, kind: camera, interval_s: 30}
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
        """

    let camera = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-1")!)

    @Test(arguments: ["stall-before-commit", "stall-after-commit"], StoreBackend.allCases)
    func eventSurvivesAKillWhileBeingHandled(failpoint: String, backend: StoreBackend) async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: backend)
        defer { bench.tearDown() }
        let gateway = try bench.startGateway(environment: ["BRIGHTKITCHEN_FAILPOINT": "\(failpoint):cam-1/event"])
        try await bench.waitUntilHealthy(gateway)

        let device = try bench.deviceClient("cam-1")
        defer { device.stop() }
        let now = SystemClock().now()
        _ = try device.publish(topic: "bk/v1/canteen-01/cam-1/event", payload: Array("""
            {"seq":1,"ts":\(now),"type":"detection","label":"no_hat","score":0.91,"box":[0.1,0.2,0.1,0.2]}
            """.utf8), qos: 1, retain: false)
        #expect(eventually(timeout: .seconds(15)) { gateway.stderr.contains("FAILPOINT") }, "\(gateway.stderr)")
        let storedBeforeKill = try bench.openStore().storedSequenceNumbers(of: camera).count
        #expect(storedBeforeKill == (failpoint == "stall-after-commit" ? 1 : 0))
        gateway.kill()

        let restarted = try bench.startGateway()
        try await bench.waitUntilHealthy(restarted)
        let store = try bench.openStore()
        #expect(eventually(timeout: .seconds(15)) { (try? store.storedSequenceNumbers(of: camera).count) == 1 })
        // Give a second redelivery (if any) the time to show up as a duplicate row: it must not.
        try await Task.sleep(for: .milliseconds(500))
        let stored = try store.storedSequenceNumbers(of: camera)
        #expect(stored.map(\.seq) == [1])
        restarted.terminate()
    }
}
