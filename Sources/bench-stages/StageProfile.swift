import DeviceIngest
import DeviceSimulator
import Foundation
import Gateway
import KitchenModel
import Logging
import Storage
import StorageModel

/// `bench-stages`: CPU per telemetry message by stage of the ingest path, without MQTT
/// (issue 13, item 8). Each stage runs over all messages before the next starts, on this thread,
/// so its cost is its own: decode (topic, registry lookup, JSON, fields), state (presence, boot,
/// sequence tracking, writes), rules (the alarm engine) and SQLite (batched commits on the writer
/// thread, counted by process CPU). Then the same number of fresh messages through the whole
/// `IngestPipeline.handle`, as the MQTT thread runs it. Run it under
/// `valgrind --tool=callgrind` for instruction counts that do not move with the machine's load.
struct StageProfile {
    let devices: Int
    let messages: Int
    /// Messages per commit: the MQTT thread hands the writer what arrives in its 5 ms window,
    /// about 150 messages at 30,000 msg/s, and every batch writes each device it touched.
    let batch: Int
    let logger: Logger

    func run() throws {
        // No broker: the MQTT client is never started, and no child process runs (valgrind-friendly).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bk-bench-stages-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sites = max(1, devices / 10)
        try BenchmarkRegistry.thermometers(sites: sites, devices: devices).write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        var configuration = GatewayConfiguration(registryPath: dir + "/registry.yaml", brokerURL: "mqtt://127.0.0.1:1",
                                                 database: dir + "/bk.sqlite", dataDirectory: dir)
        configuration.gatewayID = "bench"
        let gateway = try GatewayRuntime(configuration: configuration, logger: logger)
        try gateway.startWithoutGroup(startMQTT: false)
        defer { gateway.shutdown() }

        print("\n## Ingest stages: \(messages) telemetry messages, \(devices) devices, commits of \(batch), one thread, no MQTT")
        let now = SystemClock().now()
        let batch1 = Self.telemetry(devices: devices, sites: sites, count: messages, firstSeq: 1, now: now)
        let decoder = NativeDecoder()
        let model = gateway.model

        var decoded: [DeviceMessage] = []
        decoded.reserveCapacity(messages)
        let decode = Stage.measure {
            for (topic, payload) in batch1 {
                if case .message(let m) = decoder.decode(topic: topic, payload: payload, receivedAt: now, lookup: model.lookup) {
                    decoded.append(m)
                }
            }
        }
        guard decoded.count == messages else { throw StageFailure(description: "decoded \(decoded.count) of \(messages)") }
        var writes: [[WriteItem]] = []
        writes.reserveCapacity(messages)
        let state = Stage.measure {
            for message in decoded { writes.append(model.apply(message).writes) }
        }
        let rules = Stage.measure {
            for message in decoded { gateway.alarms.observe(message) }
        }
        let storedBefore = gateway.metrics.readingsStoredTotal
        // As on the MQTT thread: submit without waiting; the writer commits every 5 ms. Each
        // `batch` messages, wait (without asking for a commit) until the writer has taken them.
        let sqlite = try Stage.measure {
            for (i, w) in writes.enumerated() {
                try gateway.writer.submit(w)
                if (i + 1) % batch == 0 { waitForCommits(gateway, upTo: storedBefore + i + 1) }
            }
            try gateway.writer.flush()
        }
        Thread.sleep(forTimeInterval: 0.1)  // the last batch's commit callback
        let stored = gateway.metrics.readingsStoredTotal - storedBefore

        // The whole path as the MQTT thread runs it, on fresh sequence numbers.
        let batch2 = Self.telemetry(devices: devices, sites: sites, count: messages, firstSeq: Int64((messages + devices - 1) / devices + 1),
                                    now: now)
        let storedBeforeWhole = gateway.metrics.readingsStoredTotal
        let whole = try Stage.measure {
            for (i, (topic, payload)) in batch2.enumerated() {
                gateway.pipeline.handle(topic: topic, payload: payload)
                if (i + 1) % batch == 0 { waitForCommits(gateway, upTo: storedBeforeWhole + i + 1) }
            }
            try gateway.writer.flush()
        }

        for (name, stage) in [("decode", decode), ("state", state), ("rules", rules),
                              ("SQLite (submit + commits)", sqlite), ("whole handle() + commits", whole)] {
            print(name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: " %7.2f µs CPU/msg  %7.2f µs wall/msg",
                         stage.cpu / Double(messages) * 1e6, stage.wall / Double(messages) * 1e6))
        }
        print("readings committed by the SQLite stage: \(stored) of \(messages)")
    }

    private func waitForCommits(_ gateway: GatewayRuntime, upTo stored: Int) {
        while gateway.metrics.readingsStoredTotal < stored { usleep(200) }
    }

    /// `count` telemetry messages spread over `devices`, each device's seq rising from `firstSeq`.
    static func telemetry(devices: Int, sites: Int, count: Int, firstSeq: Int64, now: EpochMillis) -> [(String, [UInt8])] {
        (0..<count).map { i in
            let device = i % devices
            let seq = firstSeq + Int64(i / devices)
            let body = #"{"seq":\#(seq),"ts":\#(now),"t":\#(3 + Double(i % 20) / 10),"rh":61.5,"bat":93}"#
            return (Topic.device(site: "site-\(device % sites)", device: "t-\(device)", .telemetry)!.description, Array(body.utf8))
        }
    }
}

/// CPU (process user + system) and wall time of a piece of work.
struct Stage {
    var cpu: Double
    var wall: Double

    static func measure(_ work: () throws -> Void) rethrows -> Stage {
        let cpu = processCPUSeconds()
        let start = ContinuousClock.now
        try work()
        let wall = start.duration(to: .now)
        return Stage(cpu: processCPUSeconds() - cpu,
                     wall: wall.inSeconds)
    }

    /// This process's user + system time.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

struct StageFailure: Error, CustomStringConvertible {
    let description: String
}
