import KitchenModel
import Foundation
import Logging
import MQTTClient
import Storage
import StorageModel

/// Phase 2: the real gateway's peak resident memory with a province-sized registry.
struct PeakRSS {
    let sites: Int
    let devices: Int
    let binary: String
    let logger: Logger

    func run() async throws {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchFailure("no gateway binary at \(binary) (build it, or pass --binary)")
        }
        let workspace = try BenchWorkspace(label: "bk-rss", logger: logger)
        defer { workspace.close() }
        let (dir, broker) = (workspace.directory, workspace.broker)
        try registryYAML(sites: sites, devices: devices).write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)

        print("\n## Peak RSS: \(sites) sites, \(devices) devices registered, each sends birth + one telemetry")
        let started = ContinuousClock.now
        let gateway = try await GatewayProcess.start(binary: binary, workspace: workspace, logger: logger)
        defer { gateway.stop() }
        let publisher = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port,
                                                                         clientID: "rss-pub"), logger: logger)
        try publisher.start()
        _ = await publisher.waitUntilConnected(timeout: .seconds(10))
        let ready = ContinuousClock.now
        print(String(format: "startup with registry      %8.2f s", seconds(started.duration(to: ready))))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for d in 0..<devices {
            func topic(_ channel: Channel) -> String { Topic.device(site: "site-\(d % sites)", device: "t-\(d)", channel)!.description }
            _ = try publisher.publish(topic: topic(.birth), payload: Array(#"{"kind":"thermo","model":"T","fw":"1","boot":1,"interval_s":60}"#.utf8), qos: 1, retain: false)
            _ = try publisher.publish(topic: topic(.telemetry), payload: Array(#"{"seq":1,"ts":\#(now),"t":3.1}"#.utf8), qos: 1, retain: false)
        }
        // Let the gateway work through them all, then read its high-water mark.
        let store = try Store(path: dir + "/bk.sqlite")
        let sent = ContinuousClock.now
        while (try store.counts().readings) < devices && ContinuousClock.now < sent.advanced(by: .seconds(300)) {
            try await Task.sleep(for: .milliseconds(200))
        }
        let stored = try store.counts().readings
        print(String(format: "births + readings processed %7.2f s  (%d of %d readings stored; births commit one by one)",
                     seconds(sent.duration(to: ContinuousClock.now)), stored, devices))
        let hwm = Self.peakRSS(pid: gateway.process.processIdentifier)
        print(String(format: "peak RSS (VmHWM)           %8.1f MB  (target <= 200 MB)", Double(hwm) / 1_048_576))
        publisher.stop()
    }

    static func peakRSS(pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return kb * 1024
        }
        return 0
    }
}

import Synchronization
