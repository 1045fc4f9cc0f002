import CameraVision
import Foundation
import Synchronization
import LoopbackTools

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// Snapshot polling's cost per core (issue 18, item 3; docs/benchmarks.md "Snapshot polling"):
// the release `brightkitchen serve` polls N cameras every 10 s, all pointing at a loopback camera
// stand-in that answers a Digest challenge and then serves one real 1280×720 JPEG (a generated
// kitchen, libjpeg quality 80, as a camera's main stream). The gateway's own CPU time (from
// /proc/<pid>/stat) over the window gives cameras served per core at one snapshot every 10 s,
// analysis included. Two runs: site open (quality diagnosis) and closed (plus night motion).
//
//   swift build -c release --product brightkitchen --product bench-poll
//   .build/release/bench-poll [--cameras 1000] [--seconds 20]

func argument(_ name: String, _ fallback: Int) -> Int {
    guard let i = CommandLine.arguments.firstIndex(of: name), i + 1 < CommandLine.arguments.count,
          let value = Int(CommandLine.arguments[i + 1]) else { return fallback }
    return value
}

let cameras = argument("--cameras", 1_000)
let window = argument("--seconds", 20)
let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("brightkitchen").path

var kitchen = SyntheticKitchen(width: 1280, height: 720, seed: 3)
let picture = try kitchen.jpeg(.day, encoder: JPEGEncoder()!)
let served = Atomic(0)
let camera = try LoopbackHTTPServer { request in
    // The gateway answers the challenge once per camera and reuses the nonce after.
    guard request.headers["authorization"]?.hasPrefix("Digest ") == true else {
        return .init(status: 401, headers: [("WWW-Authenticate", #"Digest qop="auth", realm="IP Camera", nonce="bench0123456789""#)])
    }
    served.add(1, ordering: .relaxed)
    return .init(status: 200, headers: [("Content-Type", "image/jpeg")], body: picture)
}

func cpuSeconds(_ pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // Fields 14 and 15 of the file (utime, stime) are 12 and 13 after the command name.
    return (Double(fields[11]) ?? 0) / 100 + (Double(fields[12]) ?? 0) / 100
}

/// A sample of `/metrics`, which only admin tokens may read.
func metric(_ port: Int, _ token: String, _ prefix: String) -> Double {
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var body = Data()
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/metrics")!)
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    URLSession.shared.dataTask(with: request) { data, _, _ in
        body = data ?? Data()
        done.signal()
    }.resume()
    done.wait()
    return String(decoding: body, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(prefix + " ") }
        .flatMap { Double($0.split(separator: " ").last!) } ?? 0
}

/// Runs the gateway's CLI and returns what it printed.
func command(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

func run(hours: String, label: String) throws {
    let dir = NSTemporaryDirectory() + "bench-poll-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var yaml = "sites:\n"
    let sites = (cameras + 7) / 8
    for s in 0..<sites { yaml += "  - {id: site-\(s), name: Site \(s), kind: canteen, region: \"420106\", hours: \"\(hours)\"}\n" }
    yaml += "devices:\n"
    for c in 0..<cameras {
        yaml += "  - {id: cam-\(c % 8), site: site-\(c / 8), kind: camera, interval_s: 300, snapshot: "
            + "{url: \"\(camera.baseURL)/ISAPI/Streaming/channels/101/picture\", username: admin, password: bench-pass, interval_s: 10}}\n"
    }
    try yaml.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
    let token = try command(["tokens", "create", "--role", "admin", "--database", dir + "/brightkitchen.sqlite"])
    let port = freePort()
    let gateway = Process()
    gateway.executableURL = URL(fileURLWithPath: binary)
    gateway.arguments = ["serve", "--allow-loopback-public-url", "--config", dir + "/registry.yaml", "--data-dir", dir,
                         "--http-port", "\(port)", "--log-level", "error"]
    gateway.standardOutput = FileHandle.nullDevice
    gateway.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try gateway.run()
    defer {
        gateway.terminate()
        gateway.waitUntilExit()
    }
    // Every camera comes due within its first 10 s; then measure a steady window.
    Thread.sleep(forTimeInterval: 12)
    let pid = gateway.processIdentifier
    let (cpu0, ok0, frames0, served0) = (cpuSeconds(pid), metric(port, token, #"bk_camera_polls_total{outcome="ok"}"#),
                                         metric(port, token, "bk_camera_frames_analyzed_total"), served.load(ordering: .relaxed))
    let start = Date()
    Thread.sleep(forTimeInterval: Double(window))
    let elapsed = Date().timeIntervalSince(start)
    let cores = (cpuSeconds(pid) - cpu0) / elapsed
    let polls = (metric(port, token, #"bk_camera_polls_total{outcome="ok"}"#) - ok0) / elapsed
    let frames = (metric(port, token, "bk_camera_frames_analyzed_total") - frames0) / elapsed
    let dropped = metric(port, token, #"bk_camera_jobs_dropped_total{job="frame"}"#)
    let skipped = metric(port, token, #"bk_camera_polls_total{outcome="skipped_busy"}"#)
        + metric(port, token, #"bk_camera_polls_total{outcome="skipped_overloaded"}"#)
    let perCore = polls / max(cores, 0.001)
    print(String(format: "%@: %d cameras, %.1f polls/s ok (stand-in served %.1f/s), %.1f frames/s analysed, "
                 + "gateway CPU %.2f cores, %.0f polls/s per core = %.0f cameras per core at one snapshot every 10 s, "
                 + "%.0f polls skipped, %.0f frames dropped by the full analysis queue (whole run), load average %@",
                 label, cameras, polls, Double(served.load(ordering: .relaxed) - served0) / elapsed, frames, cores, perCore,
                 perCore * 10, skipped, dropped, loadAverage()))
}

print("bench-poll: \(picture.count / 1024) KiB JPEG 1280×720, \(cameras) cameras every 10 s, \(window) s window")
try run(hours: "00:00-24:00", label: "site open (quality diagnosis)")
let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Shanghai")!, from: Date().addingTimeInterval(12 * 3600))
let opening = String(format: "%02d:%02d-%02d:%02d", now.hour!, now.minute!, now.hour!, min(59, now.minute! + 1))
try run(hours: opening, label: "site closed (diagnosis + night motion)")
camera.stop()
