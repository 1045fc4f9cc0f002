import KitchenModel

/// How long silence may last before a device counts as offline (DOMAIN.md, "Sensor faults to
/// recognise": no message for longer than 3 report intervals).
public struct PresenceConfig: Sendable, Hashable, Codable {
    public var missedIntervals: Int

    public init(missedIntervals: Int = 3) {
        self.missedIntervals = missedIntervals
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(missedIntervals: try c.decode(.missedIntervals, default: 3))
    }
}

/// A device as the dashboard shows it.
public enum PresenceStatus: String, Sendable, Hashable, Codable {
    /// Heard since the gateway started and within the silence window.
    case online
    case offline
    /// The newest data predates the gateway's restart and nothing has come since: never "OK".
    case stale
    /// The gateway started recently and the silence window has not yet passed.
    case pending
}

/// Offline and stale detection for one device.
///
/// Races are designed out by keeping *facts* (when the device was last heard, when its current
/// boot's Will arrived, when the gateway started) and deriving the condition from them on every
/// call; signals are only the edges of that derived condition. Whatever order messages and ticks
/// come in, the latest event by time decides, so offline→online→offline flapping cannot leave an
/// alarm stuck open or closed. Pass the gateway's receive time for `heard`/`will` (not device
/// time): both kinds of event must be on the same clock to be ordered.
public struct PresenceRules: Sendable, Hashable, Codable {
    @DeviceKeyCoded public var device: DeviceKey
    /// The device's report interval (from its `birth`, or the registry).
    public var intervalSeconds: Int
    /// The newest message of any kind that shows the device alive (telemetry, event, birth, online state).
    public private(set) var lastHeardAt: EpochMillis?
    /// A current-boot Will newer than anything heard since. The gateway drops stale-boot Wills.
    public private(set) var willAt: EpochMillis?
    public private(set) var gatewayStartedAt: EpochMillis
    public private(set) var offlineRaised = false
    public private(set) var staleRaised = false

    public init(device: DeviceKey, intervalSeconds: Int, gatewayStartedAt: EpochMillis,
                lastHeardAt: EpochMillis? = nil) {
        self.device = device
        self.intervalSeconds = intervalSeconds
        self.gatewayStartedAt = gatewayStartedAt
        self.lastHeardAt = lastHeardAt
    }

    /// Call after restoring persisted state: from now on, data heard before `time` is stale.
    public mutating func gatewayStarted(at time: EpochMillis) {
        gatewayStartedAt = time
    }

    /// Any message proving the device alive.
    public mutating func heard(at time: EpochMillis, config: PresenceConfig = PresenceConfig()) -> [AlarmSignal] {
        lastHeardAt = max(lastHeardAt ?? time, time)
        if let will = willAt, time >= will { willAt = nil }
        return evaluate(now: time, config: config)
    }

    /// The device's Will (`{"online": false, "boot": N}` of its current boot).
    public mutating func will(at time: EpochMillis, config: PresenceConfig = PresenceConfig()) -> [AlarmSignal] {
        if let heard = lastHeardAt, heard > time { return [] }  // already heard again since
        willAt = max(willAt ?? time, time)
        return evaluate(now: time, config: config)
    }

    /// Periodic check for silence; call on every scheduler tick.
    public mutating func tick(now: EpochMillis, config: PresenceConfig = PresenceConfig()) -> [AlarmSignal] {
        evaluate(now: now, config: config)
    }

    public func status(now: EpochMillis, config: PresenceConfig = PresenceConfig()) -> PresenceStatus {
        switch condition(now: now, config: config) {
        case .online: .online
        case .offlineByWill, .silent, .neverHeard: .offline
        case .stale: offlineRaised ? .offline : .stale
        case .pending: offlineRaised ? .offline : .pending
        }
    }

    /// Whether a reading received at `receivedAt` may be shown as current at `now`.
    public func isFresh(readingReceivedAt receivedAt: EpochMillis, now: EpochMillis,
                        config: PresenceConfig = PresenceConfig()) -> Bool {
        receivedAt >= gatewayStartedAt && now - receivedAt < windowMillis(config)
    }

    enum Condition: Equatable {
        case online
        case pending
        case offlineByWill(EpochMillis)
        case silent(since: EpochMillis)
        case neverHeard
        case stale(lastHeard: EpochMillis)
    }

    func windowMillis(_ config: PresenceConfig) -> EpochMillis {
        EpochMillis(max(1, config.missedIntervals)) * Millis.seconds(max(1, intervalSeconds))
    }

    func condition(now: EpochMillis, config: PresenceConfig) -> Condition {
        if let will = willAt { return .offlineByWill(will) }
        let window = windowMillis(config)
        if let heard = lastHeardAt, heard >= gatewayStartedAt {
            return now - heard >= window ? .silent(since: heard) : .online
        }
        // Nothing heard since the gateway started: the silence clock starts at the restart, because
        // messages queued in the broker during the downtime arrive only after we reconnect.
        guard now - gatewayStartedAt >= window else { return .pending }
        if let heard = lastHeardAt { return .stale(lastHeard: heard) }
        return .neverHeard
    }

    private mutating func evaluate(now: EpochMillis, config: PresenceConfig) -> [AlarmSignal] {
        var signals: [AlarmSignal] = []
        switch condition(now: now, config: config) {
        case .online:
            if offlineRaised { offlineRaised = false; signals.append(onlineAgain(now)) }
            if staleRaised { staleRaised = false; signals.append(freshAgain(now)) }
        case .pending:
            break  // keep whatever was raised before the restart until we know better
        case .offlineByWill(let since):
            signals += goOffline(now, since: since, byWill: true)
        case .silent(let since):
            signals += goOffline(now, since: since, byWill: false)
        case .neverHeard:
            signals += goOffline(now, since: nil, byWill: false)
        case .stale(let lastHeard):
            // An offline alarm carried over from before the restart already says it all.
            if !offlineRaised, !staleRaised {
                staleRaised = true
                signals.append(staleSignal(now, lastHeard: lastHeard))
            }
        }
        return signals
    }

    private mutating func goOffline(_ now: EpochMillis, since: EpochMillis?, byWill: Bool) -> [AlarmSignal] {
        var signals: [AlarmSignal] = []
        if staleRaised {
            // Offline is the more specific statement; one alarm per cause.
            staleRaised = false
            signals.append(freshAgain(now, replacedByOffline: true))
        }
        if !offlineRaised {
            offlineRaised = true
            signals.append(offlineSignal(now, since: since, byWill: byWill))
        }
        return signals
    }
}

extension PresenceRules {
    private func offlineSignal(_ now: EpochMillis, since: EpochMillis?, byWill: Bool) -> AlarmSignal {
        let name = device.device.rawValue
        let message: String, messageEN: String
        if byWill {
            message = "设备 \(name) 已断开连接（设备离线通知），请检查设备供电与网络"
            messageEN = "Device \(name) disconnected (its Will was published); check power and network."
        } else if let since {
            let silence = now - since
            message = "设备 \(name) 已 \(MessageText.durationZH(silence))未上报数据（上报间隔 \(intervalSeconds) 秒），请检查设备供电与网络"
            messageEN = "Device \(name) silent for \(MessageText.durationEN(silence)) (reports every \(intervalSeconds) s); check power and network."
        } else {
            message = "设备 \(name) 自网关启动以来从未上报数据，请检查设备是否安装、通电并联网"
            messageEN = "Device \(name) has never reported since the gateway started; check it is installed, powered and connected."
        }
        return AlarmSignal(.raise, .offline, device: device, at: now, detail: AlarmDetail(
            since: since ?? willAt, durationMillis: since.map { now - $0 }, message: message, messageEN: messageEN))
    }

    private func onlineAgain(_ now: EpochMillis) -> AlarmSignal {
        let name = device.device.rawValue
        return AlarmSignal(.clear, .offline, device: device, at: now, detail: AlarmDetail(
            message: "设备 \(name) 已恢复在线", messageEN: "Device \(name) is back online."))
    }

    private func staleSignal(_ now: EpochMillis, lastHeard: EpochMillis) -> AlarmSignal {
        let name = device.device.rawValue
        let quiet = now - gatewayStartedAt
        return AlarmSignal(.raise, .stale, device: device, at: now, detail: AlarmDetail(
            since: lastHeard, durationMillis: now - lastHeard,
            message: "网关重启后 \(MessageText.durationZH(quiet)) 仍未收到设备 \(name) 的新数据，显示的读数来自重启前，不能视为正常，请检查设备",
            messageEN: "No new data from \(name) for \(MessageText.durationEN(quiet)) since the gateway restarted; "
                + "its last reading predates the restart and cannot be taken as OK."))
    }

    private func freshAgain(_ now: EpochMillis, replacedByOffline: Bool = false) -> AlarmSignal {
        let name = device.device.rawValue
        return AlarmSignal(.clear, .stale, device: device, at: now, detail: AlarmDetail(
            message: replacedByOffline ? "设备 \(name) 已确认离线（见离线报警）" : "设备 \(name) 已恢复上报新数据",
            messageEN: replacedByOffline ? "Device \(name) confirmed offline (see the offline alarm)."
                : "Device \(name) is reporting fresh data again."))
    }
}
