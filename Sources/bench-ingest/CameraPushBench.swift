import CameraVision
import Foundation
import Gateway
import KitchenModel
import LoopbackTools
import Logging
import MQTTClient
import Synchronization

/// Issue 18's figures (`--camera-push`): the real `brightkitchen serve` with ISAPI cameras in its
/// registry, fed multipart `EventNotificationAlert`s with a 720p picture over loopback HTTP.
/// 1. Latency: `samples` rodent alerts from distinct cameras, one every 20 ms; from the moment
///    the POST is written to the alarm arriving on the regulator's MQTT topic.
/// 2. Throughput: `workers` keep-alive connections posting alerts with pictures as fast as the
///    gateway answers for `seconds`; accepted events per second and the gateway's CPU.
/// Cameras authenticate with the secret path segment (`/isapi/{camera}/{secret}`): a digest
/// exchange costs the same one round trip once a nonce is reused, plus three MD5s.
struct CameraPushBench {
    let samples: Int
    let workers: Int
    let seconds: Int
    let binary: String
    let logger: Logger

    static let password = "bench-password"

    func run() async throws {
        let workspace = try BenchWorkspace(label: "bk-push", logger: logger)
        defer { workspace.close() }
        let dir = workspace.directory
        let throughputCameras = 200
        var yaml = "sites:\n"
        for s in 0..<10 { yaml += "  - {id: site-\(s), name: Site \(s), kind: canteen, region: \"\(420101 + s)\"}\n" }
        yaml += "devices:\n"
        for c in 0..<(samples + throughputCameras) {
            yaml += "  - {id: cam-\(c), site: site-\(c % 10), kind: camera, interval_s: 3600, "
                + "source: {family: isapi, id: cam-\(c), password: \(Self.password)}}\n"
        }
        try yaml.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        let httpPort = freePort()
        let gateway = try await GatewayProcess.start(binary: binary, workspace: workspace, logger: logger, httpPort: httpPort)
        defer { gateway.stop() }
        let pid = gateway.process.processIdentifier

        var kitchen = SyntheticKitchen(width: 1280, height: 720, seed: 3)
        let picture = try kitchen.jpeg(.day, encoder: JPEGEncoder()!)
        let alert = { (camera: Int) -> [UInt8] in
            Self.multipart(alert: """
                <EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
                <channelID>1</channelID><dateTime>2026-11-22T08:00:00+08:00</dateTime><activePostCount>1</activePostCount>
                <eventType>mouseDetection</eventType><eventState>active</eventState><eventDescription>cam-\(camera)</eventDescription>
                </EventNotificationAlert>
                """, picture: picture)
        }
        let contentType = "multipart/form-data; boundary=frontier"

        let sentAt = Mutex<[String: ContinuousClock.Instant]>([:])
        let latencies = Mutex<[Double]>([])
        let regulator = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: workspace.broker.port,
                                                                         clientID: "bench-regulator"), logger: logger)
        regulator.onMessage { message in
            let now = ContinuousClock.now
            let text = String(decoding: message.payload, as: UTF8.self)
            guard text.contains(#""transition":"raised""#), let range = text.range(of: #""device":"cam-"#) else { return }
            let id = "cam-" + text[range.upperBound...].prefix { $0 != "\"" }
            if let start = sentAt.withLock({ $0[id] }) {
                latencies.withLock { $0.append(start.duration(to: now).inSeconds * 1000) }
            }
        }
        try regulator.subscribe(TopicFilter.regulator(scope: "42")!, qos: 1)
        try regulator.start()
        _ = await regulator.waitUntilConnected(timeout: .seconds(10))
        try await Task.sleep(for: .milliseconds(500))

        print("\n## Camera HTTP push (ISAPI multipart, \(picture.count / 1024) KiB 1280×720 picture), load average "
            + Self.loadAverage())
        let http = LoopbackHTTP(port: httpPort)
        // Warm up the connection and the gateway's first-use paths on a camera not measured.
        _ = try http.request("POST", "/isapi/cam-\(samples)/\(Self.password)", headers: [("Content-Type", contentType)],
                             body: alert(samples))
        var refused = 0
        for c in 0..<samples {
            let body = alert(c)
            sentAt.withLock { $0["cam-\(c)"] = ContinuousClock.now }
            let (status, _) = try http.request("POST", "/isapi/cam-\(c)/\(Self.password)", headers: [("Content-Type", contentType)],
                                               body: body)
            if status != 200 { refused += 1 }
            try await Task.sleep(for: .milliseconds(20))
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while latencies.withLock({ $0.count }) < samples && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let sorted = latencies.withLock { $0 }.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        print(String(format: "alarms received %d of %d (%d refused)", sorted.count, samples, refused))
        print(String(format: "detection POST → regulator topic p50 %.2f ms, p99 %.2f ms, max %.2f ms  (target p99 <= 20 ms)",
                     percentile(0.5), percentile(0.99), sorted.last ?? .nan))

        // Throughput: every worker its own connection and its own cameras.
        let accepted = Mutex(0), failed = Mutex(0)
        let stop = Mutex(false)
        let cpuStart = TicketBench.cpuSeconds(pid)
        let start = ContinuousClock.now
        let bodies = (0..<throughputCameras).map { alert(samples + $0) }
        let threads = (0..<workers).map { w in
            Thread {
                let connection = LoopbackHTTP(port: httpPort)
                var i = w
                while !stop.withLock({ $0 }) {
                    let camera = samples + i % throughputCameras
                    let status = (try? connection.request("POST", "/isapi/cam-\(camera)/\(Self.password)",
                                                          headers: [("Content-Type", contentType)],
                                                          body: bodies[i % throughputCameras]))?.status
                    if status == 200 { accepted.withLock { $0 += 1 } } else { failed.withLock { $0 += 1 } }
                    i += workers
                }
            }
        }
        threads.forEach { $0.start() }
        try await Task.sleep(for: .seconds(seconds))
        stop.withLock { $0 = true }
        try await Task.sleep(for: .milliseconds(500))
        let elapsed = start.duration(to: .now).inSeconds
        let cpu = TicketBench.cpuSeconds(pid) - cpuStart
        let done = accepted.withLock { $0 }
        print(String(format: "sustained: %.0f events/s with pictures (%.1f MiB/s) over %d connections, %d failed; gateway CPU %.2f cores",
                     Double(done) / elapsed, Double(done * (picture.count + 400)) / elapsed / 1_048_576, workers,
                     failed.withLock { $0 }, cpu / elapsed))
        print("load average after: " + Self.loadAverage())
        regulator.stop()
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func multipart(alert: String, picture: [UInt8]) -> [UInt8] {
        var body = Array("--frontier\r\nContent-Type: application/xml; charset=\"UTF-8\"\r\n\r\n\(alert)\r\n".utf8)
        body += Array("--frontier\r\nContent-Disposition: form-data; name=\"Picture_Name\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        body += picture
        body += Array("\r\n--frontier--\r\n".utf8)
        return body
    }
}
