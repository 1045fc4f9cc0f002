import CameraVision
import Prometheus
import Synchronization

/// The camera service's Prometheus metrics, in the gateway's registry.
public final class CameraMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    let framesAnalyzed: Counter
    let analysisSeconds: ValueHistogram
    let recalibrations: Counter
    let queued: Gauge
    private let dropped: [String: Counter]
    private let evidence: [EvidenceOutcome: Counter]
    private let joinDrops: [String: Counter]
    private let detections: [MotionLabel: Counter]
    /// JPEG rejections by source and code; codes are a closed set but made on first use.
    private let rejects = Mutex<[String: Counter]>([:])

    /// What became of a joined snapshot or a night-motion picture.
    enum EvidenceOutcome: String, CaseIterable {
        case stored
        /// No open alarm to keep it with (a low score, a class-3 label, a person at work).
        case noAlarm = "no_alarm"
        /// The alarm already holds `maxEvidencePerAlarm` pictures.
        case overLimit = "over_limit"
        /// The picture was refused or could not be stored.
        case failed
    }

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        framesAnalyzed = registry.makeCounter(name: "bk_camera_frames_analyzed_total",
                                              help: "Camera frames decoded and analysed")
        analysisSeconds = registry.makeValueHistogram(
            name: "bk_camera_job_seconds", buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
            help: "Time to analyse one frame or prepare one piece of evidence")
        recalibrations = registry.makeCounter(name: "bk_camera_recalibrations_total",
                                              help: "Night backgrounds re-learnt after lights, exposure or IR switched")
        queued = registry.makeGauge(name: "bk_camera_queue_jobs", help: "Camera jobs waiting for an analysis thread")
        var dropped: [String: Counter] = [:]
        for job in CameraJob.names {
            dropped[job] = registry.makeCounter(name: "bk_camera_jobs_dropped_total", labels: [("job", job)],
                                                help: "Camera jobs dropped because the analysis queue was full")
        }
        self.dropped = dropped
        var evidence: [EvidenceOutcome: Counter] = [:]
        for outcome in EvidenceOutcome.allCases {
            evidence[outcome] = registry.makeCounter(name: "bk_camera_evidence_total", labels: [("outcome", outcome.rawValue)],
                                                     help: "Evidence pictures by what became of them")
        }
        self.evidence = evidence
        var joinDrops: [String: Counter] = [:]
        for side in ["snapshot", "detection"] {
            for why in ["expired", "evicted"] {
                joinDrops["\(side)/\(why)"] = registry.makeCounter(
                    name: "bk_camera_join_dropped_total", labels: [("side", side), ("why", why)],
                    help: "Snapshots and detections given up waiting for each other")
            }
        }
        self.joinDrops = joinDrops
        var detections: [MotionLabel: Counter] = [:]
        for label in [MotionLabel.rodent, .intrusion] {
            detections[label] = registry.makeCounter(name: "bk_camera_motion_detections_total",
                                                     labels: [("label", label.rawValue)],
                                                     help: "Detections made by the gateway's night-motion analysis")
        }
        self.detections = detections
    }

    func droppedJob(_ name: String) { dropped[name]?.increment() }

    func evidence(_ outcome: EvidenceOutcome) { evidence[outcome]?.increment() }

    func joinDropped(_ drop: EvidenceJoin.Dropped) { joinDrops["\(drop.side.rawValue)/\(drop.why.rawValue)"]?.increment() }

    func motionDetection(_ label: MotionLabel) { detections[label]?.increment() }

    func rejected(_ rejection: JPEGRejection, source: String) {
        let key = "\(source)/\(rejection.code)"
        let counter = rejects.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(name: "bk_camera_jpeg_rejects_total",
                                               labels: [("source", source), ("reason", rejection.code)],
                                               help: "Camera JPEGs refused before or during decoding, by reason")
            counters[key] = counter
            return counter
        }
        counter.increment()
    }
}
