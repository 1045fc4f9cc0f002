import Foundation
import Gateway
import KitchenModel
import MQTTClient
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 6 end to end: the real `brightkitchen serve` reads Tasmota, zigbee2mqtt, Shelly and
/// Frigate payloads, shaped as those projects publish them, for devices bound in the registry;
/// stores their readings, tracks their presence, raises alarms; counts and lists a source nobody
/// bound; rejects a malformed payload and keeps going.
@Suite(.serialized) struct ThirdPartyLoopTests {
    static let site = SiteID("canteen-01")!
    static let registry = """
        sites:
          - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 300,
             source: {family: tasmota, id: kitchen-th1, sensor: AM2301}}
          - {id: dry-store, site: canteen-01, kind: thermo, zone: dry, interval_s: 3600,
             source: {family: zigbee2mqtt, id: "store/dry shelf"}}
          - {id: ht-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 3600,
             source: {family: shelly, id: shellyplusht-b8d61a8b17cc}}
          - {id: cam-back, site: canteen-01, kind: camera, interval_s: 86400,
             source: {family: frigate, id: kitchen_back, detect: {width: 1280, height: 720}}}
        """
    /// The 15-minute default delay, shortened so the test runs in seconds.
    static let rules = """
        zones:
          cold: {zone: cold, minCelsius: 0, maxCelsius: 8, alarmDelaySeconds: 3, recoverySeconds: 2}
        """

    static func key(_ device: String) -> DeviceKey { DeviceKey(site: site, device: DeviceID(device)!) }

    static func sensor(celsius: Double) -> String {
        #"{"Time":"2025-11-22T10:40:30","AM2301":{"Temperature":\#(celsius),"Humidity":70.0},"TempUnit":"C"}"#
    }

    func get(_ path: String, port: Int, token: String) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    func isOnline(_ device: String, bench: GatewayBench, token: String) async throws -> Bool? {
        let (_, data) = try await get("/api/v1/sites/canteen-01", port: bench.httpPort, token: token)
        let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let devices = body?["devices"] as? [[String: Any]] ?? []
        return devices.first { $0["id"] as? String == device }?["online"] as? Bool
    }

    func waitOnline(_ device: String, _ expected: Bool, bench: GatewayBench, token: String) async throws -> Bool {
        try await eventually(timeout: .seconds(5), every: .milliseconds(100)) {
            try await isOnline(device, bench: bench, token: token) == expected
        }
    }

    @Test(arguments: StoreBackend.allCases) func thirdPartyDevicesAreStoredTrackedAndAlarmed(_ backend: StoreBackend) async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: backend)
        defer { bench.tearDown() }
        try Self.rules.write(toFile: bench.dir.file("rules.yaml"), atomically: true, encoding: .utf8)
        let extra = ["--rules", bench.dir.file("rules.yaml")]

        let watcher = try bench.deviceClient("watcher")
        defer { watcher.stop() }
        let alarms = Mutex<[String]>([])
        watcher.onMessage { m in alarms.withLock { $0.append(String(decoding: m.payload, as: UTF8.self)) } }
        try watcher.subscribe("bk/v1/canteen-01/_gateway/alarms", qos: 1)

        var gateway = try bench.startGateway(extraArguments: extra)
        defer { gateway.kill() }
        try await bench.waitUntilHealthy(gateway)
        let devices = try bench.deviceClient("things")
        defer { devices.stop() }
        func publish(_ topic: String, _ payload: String, retain: Bool = false) throws {
            _ = try devices.publish(topic: topic, payload: Array(payload.utf8), qos: 1, retain: retain)
        }
        let store = try bench.openStore()
        let (admin, _) = try store.createToken(role: .admin, scope: nil, now: SystemClock().now())
        let nowSeconds = SystemClock().now() / 1000

        try publish("tele/kitchen-th1/LWT", "Online", retain: true)
        try publish("zigbee2mqtt/store/dry shelf/availability", #"{"state":"online"}"#, retain: true)
        try publish("zigbee2mqtt/store/dry shelf",
                    #"{"battery":97,"humidity":55.2,"linkquality":96,"temperature":18.4,"voltage":3005}"#)
        try publish("shellyplusht-b8d61a8b17cc/online", "true", retain: true)
        try publish("shellyplusht-b8d61a8b17cc/events/rpc", #"""
            {"src":"shellyplusht-b8d61a8b17cc","dst":"shellyplusht-b8d61a8b17cc/events","method":"NotifyStatus",
             "params":{"ts":\#(nowSeconds).42,"temperature:0":{"id":0,"tC":4.2,"tF":39.6},"humidity:0":{"id":0,"rh":61.0}}}
            """#)
        try publish("frigate/available", "online", retain: true)
        try publish("frigate/events", #"""
            {"type":"new","before":{"id":"\#(nowSeconds).475377-mxklsc","camera":"kitchen_back","label":"rat","score":0.81,
             "top_score":0.81,"box":[320,360,480,540],"current_zones":[],"false_positive":false,"frame_time":\#(nowSeconds).4,
             "has_snapshot":false},
             "after":{"id":"\#(nowSeconds).475377-mxklsc","camera":"kitchen_back","label":"rat","score":0.84,"top_score":0.84,
             "box":[320,360,480,540],"current_zones":[],"false_positive":false,"frame_time":\#(nowSeconds).5,
             "has_snapshot":true}}
            """#)
        // A plug nobody bound, and a payload cut short.
        try publish("tele/new-plug/SENSOR", #"{"Time":"2025-11-22T10:40:30","ENERGY":{"Power":52,"Voltage":229}}"#)
        try publish("tele/new-plug/SENSOR", #"{"Time":"2025-11-22T10:45:30","ENERGY":{"Power":51,"Voltage":230}}"#)
        try publish("tele/kitchen-th1/SENSOR", #"{"Time":"2025-11-22T10:40:30","AM2301":{"Temperature":"#)

        // The fridge held at 9 °C past its shortened 3 s delay.
        for _ in 0..<9 {
            try publish("tele/kitchen-th1/SENSOR", Self.sensor(celsius: 9.0))
            try await Task.sleep(for: .milliseconds(500))
        }

        #expect(eventually(timeout: .seconds(10)) { (try? store.readings(of: Self.key("fridge-1")).count) == 9 })
        let fridge = try store.readings(of: Self.key("fridge-1"))
        #expect(fridge.map(\.seq) == Array(1...9), "the gateway numbers third-party readings itself")
        #expect(fridge.allSatisfy { $0.boot == 0 && $0.readings == .thermo(ThermoReading(celsius: 9, humidity: 70)) })
        #expect(fridge.allSatisfy { $0.deviceTime == $0.receivedAt }, "Tasmota's zone-less Time is not trusted")
        let dry = try store.readings(of: Self.key("dry-store"))
        #expect(dry.map(\.readings) == [.thermo(ThermoReading(celsius: 18.4, humidity: 55.2, battery: 97))])
        let shelly = try #require(try store.readings(of: Self.key("ht-1")).first)
        #expect(shelly.readings == .thermo(ThermoReading(celsius: 4.2, humidity: 61)))
        #expect(shelly.deviceTime == nowSeconds * 1000 + 420, "Shelly's params.ts is the device time")

        #expect(eventually(timeout: .seconds(10)) {
            (try? store.alarms(AlarmQuery()).contains { $0.kind == .tooWarm }) == true
        })
        #expect(eventually(timeout: .seconds(10)) {
            alarms.withLock { $0.contains { $0.contains("cam-back") && $0.contains("rodent") && $0.contains(#""transition":"raised""#) } }
        }, "a Frigate rat is a class-1 alarm on the site's topic")

        for device in ["fridge-1", "dry-store", "ht-1", "cam-back"] {
            #expect(try await waitOnline(device, true, bench: bench, token: admin), "\(device) online")
        }
        try publish("tele/kitchen-th1/LWT", "Offline", retain: true)
        #expect(try await waitOnline("fridge-1", false, bench: bench, token: admin), "Tasmota's LWT takes it offline")

        let rejects = try store.rejects(reason: "bad_json")
        #expect(rejects.contains { $0.record.topic == "tele/kitchen-th1/SENSOR" }, "\(rejects)")
        #expect(gateway.isRunning)

        let (_, metricsData) = try await get("/metrics", port: bench.httpPort, token: admin)
        let metrics = String(decoding: metricsData, as: UTF8.self)
        #expect(metrics.contains(#"bk_unmapped_messages_total{family="tasmota"} 2"#))
        #expect(metrics.contains(#"bk_rejects_total{reason="bad_json"} 1"#))

        // Listed by the CLI, from the database the maintenance tick writes.
        var listing = ""
        #expect(eventually(timeout: .seconds(10)) {
            listing = runCLI(bench, ["devices", "unmapped"] + bench.storeCLIArguments)
            return listing.contains("new-plug")
        })
        let row = listing.split(separator: "\n").first { $0.contains("new-plug") }.map(String.init) ?? ""
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).prefix(3) == ["tasmota", "new-plug", "2"], "\(listing)")

        // The gateway's numbering survives a restart: no stored reading is overwritten.
        gateway.terminate()
        gateway = try bench.startGateway(extraArguments: extra)
        try await bench.waitUntilHealthy(gateway)
        try publish("tele/kitchen-th1/SENSOR", Self.sensor(celsius: 4.0))
        #expect(eventually(timeout: .seconds(10)) { (try? store.readings(of: Self.key("fridge-1")).count) == 10 })
        #expect(try store.readings(of: Self.key("fridge-1")).last?.seq == 10)
        #expect(try await waitOnline("fridge-1", true, bench: bench, token: admin), "a reading marks it online again")
        gateway.terminate()
    }

    /// A reload that binds a Shelly subscribes to its topics and routes them; before it, the
    /// gateway neither listens to nor stores anything from that device.
    @Test(arguments: StoreBackend.allCases) func reloadBindsAndSubscribesANewShelly(_ backend: StoreBackend) async throws {
        let base = """
            sites:
              - {id: canteen-01, name: 食堂, kind: canteen, region: "420106"}
            devices:
              - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 300,
                 source: {family: tasmota, id: kitchen-th1}}
            """
        let bench = try GatewayBench(registry: base, backend: backend)
        defer { bench.tearDown() }
        let gateway = try bench.startGateway()
        defer { gateway.kill() }
        try await bench.waitUntilHealthy(gateway)
        let shelly = try bench.deviceClient("shelly")
        defer { shelly.stop() }
        func notify(_ celsius: Double) throws {
            let frame = #"{"method":"NotifyStatus","params":{"temperature:0":{"id":0,"tC":\#(celsius)}}}"#
            _ = try shelly.publish(topic: "shellyplusht-b8d61a8b17cc/events/rpc", payload: Array(frame.utf8), qos: 1)
        }
        let store = try bench.openStore()
        try notify(4.0)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try store.readings(of: Self.key("ht-1")).isEmpty)

        try bench.writeRegistry(base + """

              - {id: ht-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 3600,
                 source: {family: shelly, id: shellyplusht-b8d61a8b17cc}}
            """)
        kill(gateway.process.processIdentifier, SIGHUP)
        #expect(eventually(timeout: .seconds(10)) { gateway.stderr.contains("shellyplusht-b8d61a8b17cc/events/rpc") },
                "\(gateway.stderr.suffix(2_000))")
        try await Task.sleep(for: .milliseconds(300))  // the SUBSCRIBE reaches the broker
        try notify(5.5)
        #expect(eventually(timeout: .seconds(10)) {
            (try? store.readings(of: Self.key("ht-1")).map(\.readings)) == [.thermo(ThermoReading(celsius: 5.5))]
        })
        gateway.terminate()
    }
}

/// Runs the `brightkitchen` binary to completion (bounded) and returns its standard output.
func runCLI(_ bench: GatewayBench, _ arguments: [String], timeout: Duration = .seconds(30)) -> String {
    guard let process = try? ChildProcess(executable: bench.binary, arguments: arguments, logDirectory: bench.dir.path)
    else { return "" }
    defer { process.kill() }
    _ = eventually(timeout: timeout) { !process.isRunning }
    return process.stdout
}
