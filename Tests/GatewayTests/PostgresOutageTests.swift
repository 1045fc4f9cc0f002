import Foundation
import KitchenModel
import StorageModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 15, "Bad input and faults": a PostgreSQL server that goes away under the real gateway.
/// The gateway keeps running, `/healthz` says the store is unavailable, durable messages wait
/// unacknowledged in the broker, and everything sent meanwhile is stored once when it is back.
@Suite(.serialized) struct PostgresOutageTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
        devices:
          - {id: cam-1, site: canteen-01, kind: camera, interval_s: 30}
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
        """
    let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
    let camera = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-1")!)

    @Test func aLostDatabaseStopsAcknowledgingAndLosesNothing() async throws {
        let server = try ThrowawayPostgres()
        defer { server.stop() }
        let bench = try GatewayBench(registry: Self.registry, backend: .postgres, postgres: server)
        defer { bench.tearDown() }
        let gateway = try bench.startGateway()
        defer { gateway.terminate() }
        try await bench.waitUntilHealthy(gateway)
        let device = try bench.deviceClient("fridge-1")
        defer { device.stop() }
        func telemetry(_ seqs: ClosedRange<Int>) throws {
            for seq in seqs {
                let payload = #"{"seq":\#(seq),"ts":\#(SystemClock().now()),"t":3.5,"rh":60}"#
                _ = try device.publish(topic: "bk/v1/canteen-01/fridge-1/telemetry", payload: Array(payload.utf8), qos: 1)
            }
        }
        try telemetry(1...20)
        let store = try bench.openStore()
        #expect(eventually(timeout: .seconds(15)) { (try? store.storedSequenceNumbers(of: fridge).count) == 20 })

        server.stop()
        try telemetry(21...40)
        _ = try device.publish(topic: "bk/v1/canteen-01/cam-1/event", payload: Array("""
            {"seq":1,"ts":\(SystemClock().now()),"type":"detection","label":"no_hat","score":0.91,"box":[0.1,0.2,0.1,0.2]}
            """.utf8), qos: 1, retain: false)
        let health = URL(string: "http://127.0.0.1:\(bench.httpPort)/healthz")!
        var answer = ""
        let degraded = try await eventually(timeout: .seconds(20), every: .milliseconds(200)) {
            let (body, response) = try await URLSession.shared.data(from: health)
            answer = String(decoding: body, as: UTF8.self)
            return (response as? HTTPURLResponse)?.statusCode == 503 && answer.contains(#""database":"unavailable"#)
        }
        #expect(degraded, "\(answer)")
        #expect(gateway.isRunning, "a lost database must not stop the gateway:\n\(gateway.stderr.suffix(2_000))")

        try server.restart()
        try await bench.waitUntilHealthy(gateway)
        let reopened = try bench.openStore()
        #expect(eventually(timeout: .seconds(30)) {
            (try? reopened.storedSequenceNumbers(of: fridge).map(\.seq)) == Array(1...40)
                && (try? reopened.storedSequenceNumbers(of: camera).map(\.seq)) == [1]
        }, "stored: \((try? reopened.storedSequenceNumbers(of: fridge).map(\.seq)) ?? [])")
        #expect(gateway.isRunning)
    }
}
