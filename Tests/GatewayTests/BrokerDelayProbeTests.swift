import Foundation
import Logging
import MQTTClient
import TestSupport
import Testing

/// Issue 13 item 9: a deployment's own mosquitto defaults to `set_tcp_nodelay false`, and then
/// small messages after the first of a burst wait ~40 ms. The probe tells the two apart on real
/// brokers, and `serve` warns about the slow one at start.
@Suite(.serialized) struct BrokerDelayProbeTests {
    func median(noDelay: Bool) async throws -> Duration? {
        let broker = try MosquittoBroker.start(options: .init(tcpNoDelay: noDelay))
        defer { broker.stop() }
        let client = try MQTTClient(configuration: MQTTConfiguration(port: broker.port, clientID: "probe-\(noDelay)"))
        defer { client.stop() }
        let probe = BrokerDelayProbe(topic: "brightkitchen/test/probe")
        client.onMessage { _ = probe.receive($0) }
        try await client.connect(timeout: .seconds(5))
        return try await probe.measure(on: client)
    }

    @Test func probeSeesNagleOnABrokerWithoutNoDelay() async throws {
        let slow = try #require(try await median(noDelay: false))
        let fast = try #require(try await median(noDelay: true))
        #expect(BrokerDelayProbe.delaysSmallMessages(median: slow), "set_tcp_nodelay false: median \(slow)")
        #expect(!BrokerDelayProbe.delaysSmallMessages(median: fast), "set_tcp_nodelay true: median \(fast)")
    }

    @Test func serveWarnsAboutAnExternalBrokerThatDelays() async throws {
        let dir = TemporaryDirectory("bk-nagle")
        try """
            sites:
              - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
            devices:
              - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
            """.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let binary = productsDirectory().appendingPathComponent("brightkitchen").path
        for noDelay in [false, true] {
            let broker = try MosquittoBroker.start(options: .init(tcpNoDelay: noDelay))
            defer { broker.stop() }
            let httpPort = freePort()
            let gateway = try ChildProcess(executable: binary, arguments: [
                "serve", "--allow-loopback-public-url", "--config", dir.file("registry.yaml"), "--broker", broker.url,
                "--data-dir", dir.file("data-\(noDelay)"), "--http-port", "\(httpPort)", "--log-level", "info",
            ], logDirectory: dir.path)
            defer { gateway.kill() }
            try await waitUntilHealthy(gateway, port: httpPort)
            #expect(eventually(timeout: .seconds(20)) { gateway.stderr.contains("broker delay probe") || gateway.stderr.contains("delays small messages") },
                    "the probe ran:\n\(gateway.stderr.suffix(2000))")
            #expect(gateway.stderr.contains("set_tcp_nodelay true") == !noDelay,
                    "set_tcp_nodelay \(noDelay):\n\(gateway.stderr.suffix(2000))")
            gateway.terminate()
        }
    }
}
