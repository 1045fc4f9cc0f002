import Foundation
import KitchenModel
import MQTTClient
import Storage
import StorageModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The hostile-input catalogue end to end: the real `serve` and broker take a barrage from one
/// device, reject each message with its precise reason, and nothing else is affected: the same
/// device's next good message is stored once, earlier readings stay, and the gateway stays healthy.
@Suite(.serialized) struct HostileBarrageTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
          - {id: cam-1, site: canteen-01, kind: camera, zone: ambient}
        """

    @Test func barrageIsRejectedPreciselyAndTheDeviceCarriesOn() async throws {
        let dir = TemporaryDirectory("bk-hostile")
        try Self.registry.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let httpPort = freePort()
        let binary = productsDirectory().appendingPathComponent("brightkitchen").path
        let gateway = try ChildProcess(executable: binary, arguments: [
            "serve", "--allow-loopback-public-url", "--config", dir.file("registry.yaml"), "--data-dir", dir.path, "--http-port", "\(httpPort)",
            "--insecure-broker",
        ], logDirectory: dir.path)
        defer { gateway.kill() }
        try await waitUntilHealthy(gateway, port: httpPort)
        let store = try Store(path: dir.file("brightkitchen.sqlite"))
        let brokerPort = try #require(try store.meta("embedded_broker_port").flatMap(Int.init))
        let device = try MQTTClient(configuration: MQTTConfiguration(port: brokerPort, clientID: "hostile-fridge"))
        defer { device.stop() }
        try await device.connect(timeout: .seconds(5))
        let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
        let telemetry = "bk/v1/canteen-01/fridge-1/telemetry"
        let now = SystemClock().now()
        func reading(_ seq: Int, ts: Int64 = now, t: String = "3.5") -> [UInt8] {
            Array(#"{"seq":\#(seq),"ts":\#(ts),"t":\#(t)}"#.utf8)
        }

        _ = try device.publish(topic: telemetry, payload: reading(1), qos: 1)
        #expect(eventually(timeout: .seconds(10)) { (try? store.storedSequenceNumbers(of: fridge).count) == 1 })

        let year: Int64 = 365 * 86_400_000
        let barrage: [(topic: String, payload: [UInt8], reason: String)] = [
            (telemetry, Array(repeating: UInt8(ascii: " "), count: 70_000), "payload_too_large"),
            (telemetry, Array((String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)).utf8), "bad_json"),
            (telemetry, reading(2, t: "NaN"), "bad_json"),
            (telemetry, reading(2, t: "1e999"), "bad_json"),
            (telemetry, reading(2, t: "\"3.5\""), "wrong_type"),
            (telemetry, Array(#"{"seq":2,"ts":\#(now),"t":3.5,"note":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), "bad_json"),
            (telemetry, reading(2, ts: now + 3 * year), "clock_skew"),
            (telemetry, reading(2, ts: now - 3 * year), "clock_skew"),
            ("bk/v1/canteen-01'; DROP TABLE readings;--/fridge-1/telemetry", reading(2), "bad_topic"),
            ("bk/v1/canteen-01/fridge-1/telemetry/extra", reading(2), "unknown_channel"),
            ("bk/v1/canteen-01/FRIDGE-1/telemetry", reading(2), "bad_topic"),
            ("bk/v1/canteen-01/cam-1/snapshot/s1", Array("GIF89a not a jpeg".utf8), "not_jpeg"),
            // Frames are decoded off the network thread by the camera service, which rejects them there.
            ("bk/v1/canteen-01/cam-1/frame", Self.jpegHeader(width: 65_000, height: 65_000), "jpeg_dimensions_too_large"),
            ("bk/v1/canteen-01/cam-1/frame", [0xFF, 0xD8, 0xFF, 0xE0, 0x00], "jpeg_truncated"),
        ]
        for hostile in barrage { _ = try device.publish(topic: hostile.topic, payload: hostile.payload, qos: 1) }
        // A replay of seq 1 (already stored) must not be stored twice, and is no rejection either.
        _ = try device.publish(topic: telemetry, payload: reading(1, t: "99"), qos: 1)
        _ = try device.publish(topic: telemetry, payload: reading(2), qos: 1)

        #expect(eventually(timeout: .seconds(10)) { (try? store.storedSequenceNumbers(of: fridge).count) == 2 },
                "the good message after the barrage is stored")
        #expect(eventually(timeout: .seconds(10)) { (try? store.rejects(limit: 100).count) == barrage.count },
                "\(gateway.stderr.suffix(3000))")
        let reasons = try store.rejects(limit: 100).map(\.record.reason)
        for reason in Set(barrage.map(\.reason)) {
            #expect(reasons.filter { $0 == reason }.count == barrage.filter { $0.reason == reason }.count, "\(reason): \(reasons)")
        }
        #expect(try store.storedSequenceNumbers(of: fridge).map(\.seq).sorted() == [1, 2], "seq 1 stored once")
        let (status, body) = try await Self.get("http://127.0.0.1:\(httpPort)/healthz")
        #expect(status == 200 && body.contains(#""mqtt_connected":true"#), "\(body)")
        #expect(device.isConnected)
    }

    /// SOI, a baseline SOF0 claiming `width`×`height` with 3 components, then EOI: a decompression bomb's header.
    static func jpegHeader(width: Int, height: Int) -> [UInt8] {
        [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, UInt8(height >> 8), UInt8(height & 0xFF),
         UInt8(width >> 8), UInt8(width & 0xFF), 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
         0xFF, 0xD9]
    }

    static func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}
