import Foundation
import Synchronization

/// Diagnostic only (BRIGHTKITCHEN_PROBE=1): where a detection's latency goes.
enum LatencyProbe {
    static let enabled = ProcessInfo.processInfo.environment["BRIGHTKITCHEN_PROBE"] != nil
    static let samples = Mutex<[String: [Double]]>([:])

    static func record(_ phase: String, _ ms: Double) {
        guard enabled else { return }
        let first = samples.withLock { s in
            defer { s[phase, default: []].append(ms) }
            return s.isEmpty
        }
        if first { atexit { LatencyProbe.report() } }
    }

    static func ms(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    static func report() {
        guard enabled else { return }
        let all = samples.withLock { $0 }
        for (phase, values) in all.sorted(by: { $0.key < $1.key }) {
            let s = values.sorted()
            func p(_ q: Double) -> Double { s[min(s.count - 1, Int(Double(s.count) * q))] }
            FileHandle.standardError.write(String(format: "probe %@ n=%d p50 %.2f p90 %.2f p99 %.2f max %.2f\n",
                                                  phase, s.count, p(0.5), p(0.9), p(0.99), s.last!).data(using: .utf8)!)
        }
    }
}
