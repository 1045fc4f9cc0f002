import KitchenModel
import KitchenRules
import Prometheus
import Synchronization

/// The gateway's Prometheus metrics, created once so the hot path only increments.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// By channel (`channels` order), then kind (`DeviceKind.allCases` order): an index, not a
    /// formatted string key, since every accepted message counts here on the MQTT thread.
    private let messages: [Counter]
    private let rejects: [RejectReason: Counter]
    let duplicates: Counter
    let staleBoot: Counter
    let seqLost: Counter
    let seqRecovered: Counter
    let commandsSent: Counter
    private let readingsStored: Counter
    private let readingsStoredCount = Atomic<Int>(0)
    let commitSeconds: ValueHistogram
    private let alarmTransitions: [String: Counter]
    let outboxPending: Gauge
    let devicesOnline: Gauge
    let writeQueue: Gauge
    let mqttConnected: Gauge
    let ticketIssued: Counter
    let ticketRetried: Counter
    private let ticketRefusals: [SaleRefusal: Counter]
    /// `bk_latency_milliseconds{phase=...}`: what `LatencyProbe` records.
    let latency: LatencyHistograms
    /// Retention runs by outcome: a failing run shows here as well as in the log.
    let retentionSucceeded: Counter
    let retentionFailed: Counter
    /// Nightly grading: site grades stored, and runs that failed (docs/rules.md, "Grades").
    let gradesComputed: Counter
    let gradingFailed: Counter

    /// Counts readings a batch committed (the exported counter and a readable total).
    func readingsCommitted(_ count: Int) {
        readingsStored.increment(by: Int64(count))
        readingsStoredCount.add(count, ordering: .relaxed)
    }

    /// Readings committed since start: what the ingest benchmark waits for.
    public var readingsStoredTotal: Int { readingsStoredCount.load(ordering: .relaxed) }

    static let channels = ["birth", "state", "telemetry", "event", "weigh", "snapshot", "frame"]
    /// Made once: `allCases` builds a new array on every call.
    private static let kinds = DeviceKind.allCases

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var messages: [Counter] = []
        for channel in Self.channels {
            for kind in Self.kinds {
                messages.append(registry.makeCounter(
                    name: "bk_messages_total", labels: [("channel", channel), ("kind", kind.rawValue)],
                    help: "Device messages accepted, by channel and device kind"))
            }
        }
        self.messages = messages
        var rejects: [RejectReason: Counter] = [:]
        for reason in RejectReason.allCases {
            rejects[reason] = registry.makeCounter(
                name: "bk_rejects_total", labels: [("reason", reason.rawValue)],
                help: "Inbound messages rejected, by reason")
        }
        self.rejects = rejects
        duplicates = registry.makeCounter(name: "bk_duplicates_total",
                                          help: "Redelivered or replayed messages recognised as already stored")
        staleBoot = registry.makeCounter(name: "bk_stale_boot_total",
                                         help: "Wills and births from a boot older than the device's current one")
        seqLost = registry.makeCounter(name: "bk_seq_lost_total",
                                       help: "Sequence numbers given up as unrecoverable")
        seqRecovered = registry.makeCounter(name: "bk_seq_recovered_total",
                                            help: "Messages given up as lost (counted in bk_seq_lost_total) that came after all")
        commandsSent = registry.makeCounter(name: "bk_device_commands_total",
                                            help: "Commands (replay, rebirth) published to devices")
        readingsStored = registry.makeCounter(name: "bk_readings_stored_total",
                                              help: "Readings committed to the database")
        commitSeconds = registry.makeValueHistogram(
            name: "bk_batch_commit_seconds",
            buckets: [0.000_5, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
            help: "Time to commit one batch of ingest writes")
        var transitions: [String: Counter] = [:]
        for kind in Transition.Kind.allCases {
            transitions[kind.rawValue] = registry.makeCounter(
                name: "bk_alarm_transitions_total", labels: [("transition", kind.rawValue)],
                help: "Alarm transitions recorded and pushed, by transition")
        }
        alarmTransitions = transitions
        outboxPending = registry.makeGauge(name: "bk_outbox_pending", help: "Webhook messages waiting for delivery")
        devicesOnline = registry.makeGauge(name: "bk_devices_online", help: "Devices currently online")
        writeQueue = registry.makeGauge(name: "bk_write_queue_items", help: "Writes waiting for the batch writer")
        mqttConnected = registry.makeGauge(name: "bk_mqtt_connected", help: "1 while connected to the broker")
        ticketIssued = registry.makeCounter(name: "bk_tickets_issued_total", help: "Tickets minted and stored")
        ticketRetried = registry.makeCounter(name: "bk_tickets_repeated_total",
                                             help: "Weighings retried by the scale and answered with their first ticket")
        var refusals: [SaleRefusal: Counter] = [:]
        for refusal in SaleRefusal.allCases {
            refusals[refusal] = registry.makeCounter(name: "bk_tickets_refused_total", labels: [("error", refusal.rawValue)],
                                                     help: "Weighings refused a ticket, by reason")
        }
        ticketRefusals = refusals
        latency = LatencyHistograms(registry: registry)
        retentionSucceeded = registry.makeCounter(name: "bk_retention_runs_total", labels: [("outcome", "ok")],
                                                  help: "Retention runs, by outcome")
        retentionFailed = registry.makeCounter(name: "bk_retention_runs_total", labels: [("outcome", "failed")],
                                               help: "Retention runs, by outcome")
        gradesComputed = registry.makeCounter(name: "bk_site_grades_total", help: "Site grades computed by the nightly grading")
        gradingFailed = registry.makeCounter(name: "bk_grading_failures_total", help: "Nightly grading runs that failed")
    }

    func accepted(channel: String, kind: DeviceKind) {
        guard let c = Self.channels.firstIndex(of: channel), let k = Self.kinds.firstIndex(of: kind) else { return }
        messages[c * Self.kinds.count + k].increment()
    }

    func alarmTransition(_ kind: Transition.Kind) {
        alarmTransitions[kind.rawValue]?.increment()
    }

    func ticketRefused(_ refusal: SaleRefusal) {
        ticketRefusals[refusal]?.increment()
    }

    func rejected(_ reason: RejectReason) {
        rejects[reason]?.increment()
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
