import DeviceAdapters
import DeviceIngest
import GatewayPorts
import KitchenModel
import Logging
import Synchronization

/// Cameras that call the gateway over HTTP (docs/third-party-devices.md, "Cameras pushing over
/// HTTP"): Hikvision ISAPI `EventNotificationAlert` pushes and GA/T 1400 (视图库) devices.
///
/// Each request is authenticated against its registry device's credentials (HTTP Digest; for
/// ISAPI cameras that cannot do digest, a secret path segment), parsed by the strict readers of
/// `DeviceAdapters`, and its detections and pictures fed into the ingest path as a Frigate
/// camera's are: the alarm engine raises the alarm, the camera service keeps the picture as its
/// evidence. A refusal answers 4xx with the reason, is counted and dead-lettered; unknown event
/// types go to the unmapped list.
public final class CameraPushIntake: CameraPushPort {
    let pipeline: IngestPipeline
    let digest: DigestAuthenticator
    let metrics: CameraPushMetrics
    let clock: any WallClock
    let logger: Logger
    public let maxBodyBytes: Int
    /// GA/T 1400 sessions: registered device → (client address, last register/keepalive).
    private let sessions = Mutex<[DeviceKey: (client: String?, seen: EpochMillis)]>([:])
    /// A session without a keepalive for this long is over; the device must register again.
    public let sessionLifetimeMillis: Int64

    public init(pipeline: IngestPipeline, metrics: GatewayMetrics, clock: any WallClock, logger: Logger,
                maxBodyBytes: Int = 16 * 1024 * 1024, sessionLifetimeMillis: Int64 = 600_000,
                digest: DigestAuthenticator = DigestAuthenticator()) {
        self.pipeline = pipeline
        self.digest = digest
        self.metrics = CameraPushMetrics(registry: metrics.registry)
        self.clock = clock
        self.logger = logger
        self.maxBodyBytes = maxBodyBytes
        self.sessionLifetimeMillis = sessionLifetimeMillis
    }

    // MARK: ISAPI

    public func isapiEvent(camera: String, pathSecret: String?, _ request: CameraPushRequest) -> CameraPushResponse {
        let now = clock.now()
        guard camera.utf8.count <= 64, let binding = pipeline.pushBinding(.isapi, id: camera), let account = binding.source.push else {
            pipeline.recordUnmapped(.isapi, camera, now: now)
            metrics.handled("isapi", "unmapped")
            return Self.text(404, "no registry device has source {family: isapi, id: \(TerminalText.escape(String(camera.prefix(64))))}")
        }
        let topic = "isapi/\(camera)"
        if let pathSecret {
            guard DigestAuthenticator.constantTimeEqual(pathSecret, account.password) else {
                return refuse("isapi", .unauthorized, "wrong secret in the notification URL", topic: topic, request, now: now, status: 401,
                              deadLetter: false)
            }
        } else {
            switch digest.verify(method: request.method, uri: request.uri, authorization: request.authorization, now: now,
                                 password: { $0 == account.username ? account.password : nil }) {
            case .accepted: break
            case .challenge(let stale):
                // Counted: a camera set to no authentication but pointed at the digest URL shows here.
                metrics.handled("isapi", "challenged")
                return CameraPushResponse(status: 401, body: Array("authentication required".utf8),
                                          challenge: digest.challenge(now: now, stale: stale))
            case .refused(let why):
                var response = refuse("isapi", .unauthorized, why, topic: topic, request, now: now, status: 401, deadLetter: false)
                response.challenge = digest.challenge(now: now)
                return response
            }
        }
        let limits = pipeline.pushLimits
        let push: ISAPIPush
        do throws(PushProblem) {
            push = try ISAPIPush.parse(request.body, contentType: request.contentType, maxPictureBytes: limits.maxImageBytes)
        } catch {
            return refuse("isapi", error.reason, error.message, topic: topic, request, now: now, status: 400)
        }
        let result = CameraPushAdapter.isapi(push, binding: binding, receivedAt: now, limits: limits)
        apply(result, protocolName: "isapi", sourceID: camera, family: .isapi, topic: topic, request, now: now)
        if push.alert.isHeartbeat { metrics.handled("isapi", "heartbeat") }
        return Self.text(200, "OK")
    }

    // MARK: GA/T 1400

    public func gat1400(_ operation: GAT1400Operation, _ request: CameraPushRequest) -> CameraPushResponse {
        let now = clock.now()
        let url = Self.requestURL(operation)
        let binding: Binding
        switch authenticateGAT(operation, request, now: now) {
        case .ok(let b): binding = b
        case .answer(let response): return response
        }
        let topic = "gat1400/\(binding.source.sourceID)"
        switch operation {
        case .register, .keepalive, .unregister:
            let objectName = operation == .register ? "RegisterObject" : operation == .keepalive ? "KeepaliveObject" : "UnRegisterObject"
            let deviceID: String
            do throws(PushProblem) { deviceID = try GAT1400.deviceID(request.body, objectName: objectName) } catch {
                return statusAnswer(url, id: "", code: error.reason == .badJSON ? "7" : "8", error.message, now: now,
                                    refusal: error, topic: topic, request)
            }
            guard deviceID == binding.source.sourceID else {
                let problem = PushProblem(.unauthorized, "DeviceID \(deviceID) is not the authenticated device \(binding.source.sourceID)")
                return statusAnswer(url, id: deviceID, code: "4", problem.message, now: now, refusal: problem, topic: topic, request)
            }
            sessions.withLock { sessions in
                if operation == .unregister { sessions[binding.key] = nil } else { sessions[binding.key] = (request.client, now) }
            }
            if operation != .unregister { pipeline.applyPushed([CameraPushAdapter.online(binding, receivedAt: now)], topic: topic) }
            metrics.handled("gat1400", operation.rawValue)
            return Self.json(Self.responseStatus(url, id: deviceID, code: "0", "正常", now: now))
        case .notifications:
            let notifications: GAT1400.Notifications
            do throws(PushProblem) { notifications = try GAT1400.notifications(request.body) } catch {
                return statusAnswer(url, id: "", code: error.reason == .badJSON ? "7" : "8", error.message, now: now,
                                    refusal: error, topic: topic, request)
            }
            let result = CameraPushAdapter.gat1400(notifications, binding: binding, receivedAt: now, limits: pipeline.pushLimits)
            apply(result, protocolName: "gat1400", sourceID: binding.source.sourceID, family: .gat1400, topic: topic, request, now: now)
            let statuses = notifications.notificationIDs.map { Self.statusObject(url, id: $0, code: "0", "正常", now: now) }
            return Self.json(.object([("ResponseStatusListObject", .object([("ResponseStatusObject", .array(statuses))]))]))
        }
    }

    private enum GATAuth { case ok(Binding), answer(CameraPushResponse) }

    /// Register needs digest. Later requests carry digest too, or (as GA/T 1400.4 devices do
    /// after registering) only `User-Identify`, accepted from the address that registered while
    /// the session lasts.
    private func authenticateGAT(_ operation: GAT1400Operation, _ request: CameraPushRequest, now: EpochMillis) -> GATAuth {
        let topic = "gat1400"
        if request.authorization == nil, operation != .register, let id = request.userIdentify,
           let binding = pipeline.pushBinding(.gat1400, id: id) {
            let live = sessions.withLock { sessions -> Bool in
                guard let session = sessions[binding.key] else { return false }
                return session.client == request.client && now - session.seen <= sessionLifetimeMillis
            }
            if live { return .ok(binding) }
            if operation == .notifications {
                return .answer(refuse("gat1400", .notRegistered, "device \(id) is not registered from this address",
                                      topic: "gat1400/\(id)", request, now: now, status: 401, deadLetter: false,
                                      challenge: digest.challenge(now: now)))
            }
        }
        var found: Binding?
        switch digest.verify(method: request.method, uri: request.uri, authorization: request.authorization, now: now,
                             password: { user in
                                 found = self.pipeline.gat1400Binding(username: user)
                                 return found?.source.push?.password
                             }) {
        case .accepted:
            guard let found else { return .answer(Self.text(500, "account vanished")) }
            return .ok(found)
        case .challenge(let stale):
            metrics.handled("gat1400", "challenged")
            return .answer(CameraPushResponse(status: 401, body: Array("authentication required".utf8),
                                              challenge: digest.challenge(now: now, stale: stale)))
        case .refused(let why):
            return .answer(refuse("gat1400", .unauthorized, why, topic: topic, request, now: now, status: 401, deadLetter: false,
                                  challenge: digest.challenge(now: now)))
        }
    }

    // MARK: Shared

    public func refusedOversized(protocol name: String, bytes: Int?) -> CameraPushResponse {
        metrics.refused(name, PushRefusal.payloadTooLarge.rawValue)
        logger.warning("camera push refused", metadata: ["protocol": "\(name)", "reason": "payload_too_large",
                                                          "bytes": "\(bytes.map(String.init) ?? "over the limit")"])
        return Self.text(413, "payload_too_large: the body is over \(maxBodyBytes) bytes")
    }

    private func apply(_ result: CameraPushAdapter.Result, protocolName: String, sourceID: String, family: DeviceSource.Family,
                       topic: String, _ request: CameraPushRequest, now: EpochMillis) {
        for type in result.unmapped {
            pipeline.recordUnmapped(family, "\(sourceID)/\(type)", now: now)
            metrics.handled(protocolName, "unmapped")
        }
        for _ in result.ignored { metrics.handled(protocolName, "ignored") }
        for problem in result.problems {
            metrics.refused(protocolName, problem.reason.rawValue)
            pipeline.deadLetterPush(reason: problem.reason.rawValue, message: problem.message, topic: topic,
                                    payload: request.body, now: now)
        }
        for message in result.messages {
            if case .event = message.message.payload { metrics.handled(protocolName, "detection") }
        }
        pipeline.applyPushed(result.messages, topic: topic)
    }

    private func refuse(_ protocolName: String, _ reason: PushRefusal, _ message: String, topic: String,
                        _ request: CameraPushRequest, now: EpochMillis, status: Int, deadLetter: Bool = true,
                        challenge: String? = nil) -> CameraPushResponse {
        metrics.refused(protocolName, reason.rawValue)
        logger.warning("camera push refused", metadata: [
            "protocol": "\(protocolName)", "reason": "\(reason.rawValue)", "source": "\(TerminalText.escape(topic))",
            "client": "\(request.client ?? "?")", "message": "\(TerminalText.escape(String(message.prefix(200))))"])
        // Authentication failures are not dead-lettered: strangers must not fill the table.
        if deadLetter {
            pipeline.deadLetterPush(reason: reason.rawValue, message: message, topic: topic, payload: request.body, now: now)
        }
        return CameraPushResponse(status: status, body: Array("\(reason.rawValue): \(message)".utf8), challenge: challenge)
    }

    private func statusAnswer(_ url: String, id: String, code: String, _ message: String, now: EpochMillis, refusal: PushProblem,
                              topic: String, _ request: CameraPushRequest) -> CameraPushResponse {
        _ = refuse("gat1400", refusal.reason, message, topic: topic, request, now: now, status: 400)
        var response = Self.json(Self.responseStatus(url, id: id, code: code, message, now: now))
        response.status = 400
        return response
    }

    static func requestURL(_ operation: GAT1400Operation) -> String {
        switch operation {
        case .register: "/VIID/System/Register"
        case .keepalive: "/VIID/System/Keepalive"
        case .unregister: "/VIID/System/UnRegister"
        case .notifications: "/VIID/SubscribeNotifications"
        }
    }

    static func statusObject(_ url: String, id: String, code: String, _ text: String, now: EpochMillis) -> PushJSON {
        .object([("RequestURL", .string(url)), ("StatusCode", .string(code)), ("StatusString", .string(text)),
                 ("Id", .string(id)), ("LocalTime", .string(GAT1400.localTime(now)))])
    }

    static func responseStatus(_ url: String, id: String, code: String, _ text: String, now: EpochMillis) -> PushJSON {
        .object([("ResponseStatusObject", statusObject(url, id: id, code: code, text, now: now))])
    }

    static func json(_ value: PushJSON) -> CameraPushResponse {
        CameraPushResponse(status: 200, contentType: "application/VIID+JSON; charset=utf-8", body: Array(value.serialized.utf8))
    }

    static func text(_ status: Int, _ text: String) -> CameraPushResponse {
        CameraPushResponse(status: status, body: Array(text.utf8))
    }
}
