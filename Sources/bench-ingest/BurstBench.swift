import Foundation
import Logging
import MQTTClient
import Storage
import StorageModel
import LoopbackTools

/// Issue 8, item 6: the real gateway under steady telemetry at `rate`, then `factor`× that for
/// `burstSeconds`, then steady again. Every 100 ms it samples the gateway's RSS, `/healthz` (its
/// latency and the write queue it reports) and, twice a second, how many readings are stored.
/// Prints peak RSS before, during and after the burst, the write queue's peak, `/healthz` latency
/// percentiles during the burst, the time to drain (stored catches up with sent) and whether
/// every message sent was stored.
struct BurstBench {
    let rate: Int
    let factor: Int
    let steadySeconds: Int
    let burstSeconds: Int
    let afterSeconds: Int
    let binary: String
    let logger: Logger

    struct Sample {
        let at: Double
        let rss: Int
        let healthMs: Double?
        let writeQueue: Int?
    }

    func run() async throws {
        guard rate > 0, factor >= 1, steadySeconds >= 1, burstSeconds >= 1, afterSeconds >= 5 else {
            throw BenchFailure("--rate, --burst-factor, --steady-seconds, --burst-seconds must be positive, --after-seconds ≥ 5")
        }
        let workspace = try BenchWorkspace(label: "bk-burst", logger: logger)
        defer { workspace.close() }
        let dir = workspace.directory
        let (sites, thermos) = (100, 1_000)
        try registryYAML(sites: sites, devices: thermos).write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        let httpPort = freePort()
        let gateway = try await GatewayProcess.start(binary: binary, workspace: workspace, logger: logger, httpPort: httpPort)
        defer { gateway.stop() }
        let pid = gateway.process.processIdentifier
        let total = steadySeconds + burstSeconds + afterSeconds
        print("\n## 10× burst: \(rate) msg/s for \(steadySeconds) s, \(rate * factor) msg/s for \(burstSeconds) s, "
            + "\(rate) msg/s for \(afterSeconds) s (\(thermos) thermometers, QoS 1, gateway as its own process)")

        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        generator.arguments = ["--generate-telemetry", "--port", "\(workspace.broker.port)", "--rate", "\(rate)",
                               "--sites", "\(sites)", "--thermos", "\(thermos)", "--burst-after", "\(steadySeconds)",
                               "--burst-seconds", "\(burstSeconds)", "--burst-factor", "\(factor)",
                               "--stop-after", "\(total)"]
        let output = Pipe()
        generator.standardOutput = output
        let store = try Store(path: dir + "/bk.sqlite")
        let baselineRSS = residentBytes(pid: pid)
        try generator.run()
        defer { if generator.isRunning { generator.terminate() } }
        let start = ContinuousClock.now
        func elapsed() -> Double { seconds(start.duration(to: .now)) }

        var samples: [Sample] = []
        var storedAt: [(at: Double, stored: Int)] = []
        var generatorText = ""
        var lastStoredCheck = -1.0
        // Sample through the run and afterwards until the generator has said how much it sent
        // and the gateway has stored it (or a minute passes).
        var sentTotal: Int?
        let hardStop = Double(total) + 60
        while elapsed() < hardStop {
            let t = elapsed()
            let probe = HealthProbe.get(port: httpPort)
            samples.append(Sample(at: t, rss: residentBytes(pid: pid), healthMs: probe?.ms, writeQueue: probe?.writeQueue))
            if t - lastStoredCheck >= 0.5 {
                lastStoredCheck = t
                storedAt.append((t, try store.counts().readings))
            }
            if !generator.isRunning, sentTotal == nil {
                generatorText += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                sentTotal = generatorText.split(separator: "\n").last { $0.hasPrefix("done ") }
                    .flatMap { Int($0.dropFirst(5)) }
                if sentTotal == nil { throw BenchFailure("the generator ended without its total: \(generatorText.suffix(200))") }
            }
            if let sentTotal, let last = storedAt.last, last.stored >= sentTotal { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let stored = try store.counts().readings
        let hwm = PeakRSS.peakRSS(pid: pid)

        let burstStart = Double(steadySeconds), burstEnd = Double(steadySeconds + burstSeconds)
        func peakRSS(_ range: Range<Double>) -> Double {
            Double(samples.filter { range.contains($0.at) }.map(\.rss).max() ?? 0) / 1_048_576
        }
        let during = samples.filter { $0.at >= burstStart && $0.at < burstEnd + 5 }
        let latencies = during.compactMap(\.healthMs).sorted()
        let failed = during.filter { $0.healthMs == nil }.count
        func pct(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        // Drained: the first moment after the burst when the gateway has stored all but a second
        // of steady traffic of what had been sent by then (the generator's running total).
        let sentSeries = generatorText.split(separator: "\n").compactMap { Int($0) }
        var drainedAt: Double?
        for point in storedAt where point.at >= burstEnd {
            let sentThen = sentSeries.isEmpty ? 0 : sentSeries[min(sentSeries.count - 1, max(0, Int(point.at) - 1))]
            if point.stored >= sentThen - rate {
                drainedAt = point.at
                break
            }
        }
        let peakQueue = samples.compactMap(\.writeQueue).max() ?? 0
        let steadyRate = storedRate(storedAt, from: 2, to: burstStart)
        let burstRate = storedRate(storedAt, from: burstStart, to: burstEnd)
        print(String(format: "gateway RSS: idle %.1f MB, steady peak %.1f MB, burst peak %.1f MB, after peak %.1f MB, VmHWM %.1f MB",
                     Double(baselineRSS) / 1_048_576, peakRSS(0..<burstStart), peakRSS(burstStart..<burstEnd + 5),
                     peakRSS(burstEnd + 5..<hardStop), Double(hwm) / 1_048_576))
        print(String(format: "stored rate: steady %.0f msg/s, during the burst %.0f msg/s; write queue peak %d items",
                     steadyRate, burstRate, peakQueue))
        print(String(format: "/healthz during the burst (+5 s): %d samples, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d failed",
                     latencies.count, pct(0.5), pct(0.99), latencies.last ?? .nan, failed))
        print(drainedAt.map { String(format: "drained %.1f s after the burst ended", $0 - burstEnd) }
            ?? "NOT drained within the run")
        let sent = sentTotal ?? -1
        print("sent \(sent), stored \(stored): " + (stored == sent ? "nothing lost" : "MISMATCH (\(stored - sent))"))
        if stored != sent { throw BenchFailure("burst: stored \(stored) of \(sent)") }
    }

    func storedRate(_ series: [(at: Double, stored: Int)], from: Double, to: Double) -> Double {
        guard let a = series.first(where: { $0.at >= from }), let b = series.last(where: { $0.at <= to }), b.at > a.at
        else { return .nan }
        return Double(b.stored - a.stored) / (b.at - a.at)
    }

    func residentBytes(pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return (line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) * 1024
        }
        return 0
    }
}

/// `GET /healthz` over a plain socket with a 2 s timeout: latency and the reported write queue.
enum HealthProbe {
    static func get(port: Int) -> (ms: Double, writeQueue: Int?)? {
        let start = ContinuousClock.now
        guard let fd = loopbackSocket(port: port, timeoutSeconds: 2) else { return nil }
        defer { close(fd) }
        let request = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 200") else { return nil }
        var queue: Int?
        if let range = text.range(of: "\"write_queue\":") {
            queue = Int(text[range.upperBound...].prefix { $0.isNumber })
        }
        return (seconds(start.duration(to: .now)) * 1000, queue)
    }
}
