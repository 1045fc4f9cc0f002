import Foundation
import Prometheus
import Synchronization

/// Where latency goes (a detection's transit, commit and alarm; batch commits; the tick's parts;
/// site summaries), as Prometheus histograms on /metrics: `bk_latency_milliseconds{phase=...}`.
/// With BRIGHTKITCHEN_PROBE=1 every sample is also kept and percentiles go to stderr at exit
/// (the benchmarks read them).
///
/// Recorders call the static `record` from wherever they are; each `GatewayMetrics` attaches its
/// histograms, so every runtime in a process (tests run several) sees the phases.
enum LatencyProbe {
    static let enabled = ProcessInfo.processInfo.environment["BRIGHTKITCHEN_PROBE"] != nil
    static let samples = Mutex<[String: [Double]]>([:])
    private static let sinks = Mutex<[WeakLatencyHistograms]>([])

    static func attach(_ histograms: LatencyHistograms) {
        sinks.withLock { sinks in
            sinks.removeAll { $0.value == nil }
            sinks.append(WeakLatencyHistograms(value: histograms))
        }
    }

    static func record(_ phase: String, _ ms: Double) {
        let targets = sinks.withLock { $0.compactMap(\.value) }
        for histograms in targets { histograms.observe(phase, ms) }
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

/// One registry's latency histograms, one per phase, made on a phase's first sample.
final class LatencyHistograms: Sendable {
    /// Milliseconds: sub-millisecond commits up to multi-second stalls; the alarm target is 20 ms.
    static let buckets: [Double] = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500, 5000]
    private static var descriptor: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "bk", metricName: "latency", unitName: "milliseconds",
        helpText: "Where latency goes, by phase: detection transit, commit and alarm, batch commits, tick parts") }
    private let registry: PrometheusCollectorRegistry
    private let histograms = Mutex<[String: ValueHistogram]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        LatencyProbe.attach(self)
    }

    func observe(_ phase: String, _ ms: Double) {
        let histogram = histograms.withLock { histograms in
            if let existing = histograms[phase] { return existing }
            // The registry's own lock only; no I/O.
            let made = registry.makeValueHistogram(descriptor: Self.descriptor, labels: [("phase", phase)],
                                                   buckets: Self.buckets)
            histograms[phase] = made
            return made
        }
        histogram.record(ms)
    }
}

/// `weak` inside a Sendable array element; the referent is itself Sendable.
private struct WeakLatencyHistograms: @unchecked Sendable {
    weak var value: LatencyHistograms?
}
