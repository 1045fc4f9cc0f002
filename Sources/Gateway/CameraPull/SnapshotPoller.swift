import DeviceAdapters
import KitchenModel
import Logging
import Prometheus
import Synchronization

/// Fetches the picture of every camera with a registry `snapshot:` URL on its schedule
/// (`SnapshotSchedule`) and hands it to the ingest path as a `frame`, so it meets the same
/// video-quality diagnosis and night motion as a frame pushed over MQTT (docs/camera-vision.md,
/// "Snapshot polling").
///
/// Requests run as child tasks, at most `maxConcurrent` at once; a camera whose last request is
/// still under way, or a poll that finds every slot taken, is skipped and counted, never queued,
/// so a slow network cannot pile requests up. A failed poll (cannot connect, timeout, 401, not a
/// JPEG, too large) is counted by reason and told to the camera service, whose "no frames"
/// diagnosis then says why. No lock is held across a request.
public final class SnapshotPoller: Sendable {
    public struct Limits: Sendable {
        public var maxConcurrent = 64
        public var timeout: Duration = .seconds(5)
        public var maxBytes = 2 * 1024 * 1024
        /// How often the camera list is read again from the registry.
        public var refresh: Duration = .seconds(5)
        public var jitterFraction = 0.1
        public init() {}
    }

    public let metrics: SnapshotPollMetrics
    /// Where a fetched picture goes: the ingest path (`serve`), or a vision worker's analysis.
    private let deliver: @Sendable (DeviceKey, [UInt8], EpochMillis) -> Void
    private let camera: CameraService
    private let model: StateModel
    private let client: CameraHTTPClient
    private let clock: any WallClock
    private let logger: Logger
    private let limits: Limits
    private let inFlight = Mutex<Set<DeviceKey>>([])
    private let lastLogged = Mutex<[String: EpochMillis]>([:])

    public convenience init(pipeline: IngestPipeline, camera: CameraService, model: StateModel, client: CameraHTTPClient,
                            metrics: GatewayMetrics, clock: any WallClock, logger: Logger, limits: Limits = Limits()) {
        self.init(camera: camera, model: model, client: client, registry: metrics.registry, clock: clock, logger: logger,
                  limits: limits) { key, jpeg, now in
            let frame = DeviceMessage(key: key, receivedAt: now, payload: .frame(jpeg: jpeg))
            pipeline.applyPushed([AdaptedMessage(frame)], topic: "poll/\(key.site)/\(key.device)")
        }
    }

    /// `deliver` takes each fetched picture (a vision worker hands it straight to its analysis).
    init(camera: CameraService, model: StateModel, client: CameraHTTPClient, registry: PrometheusCollectorRegistry,
         clock: any WallClock, logger: Logger, limits: Limits = Limits(),
         deliver: @escaping @Sendable (DeviceKey, [UInt8], EpochMillis) -> Void) {
        self.deliver = deliver
        self.camera = camera
        self.model = model
        self.client = client
        self.metrics = SnapshotPollMetrics(registry: registry)
        self.clock = clock
        self.logger = logger
        self.limits = limits
    }

    /// The registry's polled cameras.
    static func polledCameras(_ registry: Registry) -> [(DeviceKey, SnapshotPolling)] {
        registry.devices.values.compactMap { device in device.cameraHTTP?.snapshot.map { (device.key, $0) } }
    }

    /// Polls until cancelled.
    public func run() async {
        var schedule = SnapshotSchedule(jitterFraction: limits.jitterFraction)
        var refreshedAt: EpochMillis?
        let refreshMillis = Int64(limits.refresh.inSeconds * 1_000)
        let random: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let now = clock.now()
                if refreshedAt.map({ now - $0 >= refreshMillis }) ?? true {
                    schedule.update(Self.polledCameras(model.registry), now: now, random: random)
                    metrics.cameras.set(Double(schedule.count))
                    refreshedAt = now
                }
                for due in schedule.popDue(now: now, random: random) {
                    guard admit(due.key) else { continue }
                    group.addTask { [self] in
                        await poll(due.key, due.polling)
                        release(due.key)
                    }
                }
                let wait = min(max(1, (schedule.nextDue ?? now + 200) - clock.now()), 200)
                try? await Task.sleep(for: .milliseconds(wait))
            }
        }
    }

    /// Takes a request slot for the camera; false (counted) when its last poll is still under way
    /// or every slot is taken.
    private func admit(_ key: DeviceKey) -> Bool {
        let outcome = inFlight.withLock { busy -> String? in
            if busy.contains(key) { return "skipped_busy" }
            if busy.count >= limits.maxConcurrent { return "skipped_overloaded" }
            busy.insert(key)
            return nil
        }
        if let outcome {
            metrics.polled(outcome)
            return false
        }
        metrics.inFlight.increment()
        return true
    }

    private func release(_ key: DeviceKey) {
        _ = inFlight.withLock { $0.remove(key) }
        metrics.inFlight.decrement()
    }

    /// One fetch; the frame goes to the ingest path, a failure to the camera service.
    func poll(_ key: DeviceKey, _ polling: SnapshotPolling) async {
        let started = ContinuousClock.now
        let outcome = await fetch(polling)
        metrics.seconds.record(started.duration(to: .now).inSeconds)
        let now = clock.now()
        switch outcome {
        case .success(let jpeg):
            metrics.polled("ok")
            deliver(key, jpeg, now)
        case .failure(let failure):
            metrics.polled(failure.code)
            camera.notePollFailure(key, reason: failure.code, detail: failure.detail, at: now)
            logOnce(failure, camera: key, now: now)
        }
    }

    struct PollFailure: Error, Equatable {
        var code: String
        var detail: String
    }

    func fetch(_ polling: SnapshotPolling) async -> Result<[UInt8], PollFailure> {
        let reply: CameraHTTPClient.Reply
        do {
            reply = try await client.request(.GET, polling.url, credentials: polling.credentials, timeout: limits.timeout,
                                             maxBytes: limits.maxBytes)
        } catch {
            return .failure(PollFailure(code: error.code, detail: error.description))
        }
        guard reply.status == 200 else {
            return .failure(PollFailure(code: "http_status", detail: "the camera answered HTTP \(reply.status)"))
        }
        // The analysis checks the JPEG in depth; this only tells "not a picture at all" (an HTML
        // login page, an XML error) apart, with the reason the operator needs.
        guard reply.body.count >= 4, reply.body[0] == 0xFF, reply.body[1] == 0xD8 else {
            let type = reply.contentType.map { " (\(TerminalText.escape(String($0.prefix(60)))))" } ?? ""
            return .failure(PollFailure(code: "not_jpeg", detail: "the answer\(type) is not a JPEG"))
        }
        return .success(reply.body)
    }

    private func logOnce(_ failure: PollFailure, camera key: DeviceKey, now: EpochMillis) {
        let logKey = "\(key)|\(failure.code)"
        let due = lastLogged.withLock { logged -> Bool in
            guard now - (logged[logKey] ?? .min / 2) >= 600_000 else { return false }
            if logged.count > 10_000 { logged.removeAll() }
            logged[logKey] = now
            return true
        }
        if due {
            logger.warning("snapshot poll failed", metadata: ["camera": "\(key)", "reason": "\(failure.code)",
                                                              "detail": "\(failure.detail)"])
        }
    }
}

extension CameraHTTPClient.Failure {
    var detail: String { description }
}
