import KitchenModel
import StorageModel

/// Everything the gateway knows about one device right now.
public struct DeviceState: Sendable {
    public var config: DeviceConfig
    public var model: String?
    public var firmware: String?
    /// From the device's birth, else the registry.
    public var intervalSeconds: Int
    public var replayBuffer: Int
    public var online: Bool
    public var onlineChangedAt: EpochMillis?
    public var tracker: SequenceTracker
    public var lastSeen: EpochMillis?
    public var lastReading: StoredReading?
    /// receive time minus device time of the newest sequenced message.
    public var clockOffsetMillis: Int64?
    public var lostCount: Int64
    public var duplicateCount: Int64 = 0
    var replayRequestedAt: EpochMillis?
    var replayAttempts = 0

    /// What devices keep for replay when their birth does not say.
    public static let defaultReplayBuffer = 1000

    init(config: DeviceConfig, restoring snapshot: DeviceSnapshot?) {
        self.config = config
        self.model = snapshot?.model
        self.firmware = snapshot?.firmware
        self.intervalSeconds = snapshot?.intervalSeconds ?? config.intervalSeconds
        self.replayBuffer = snapshot?.replayBuffer ?? Self.defaultReplayBuffer
        self.online = snapshot?.online ?? false
        self.onlineChangedAt = snapshot?.onlineChangedAt
        self.tracker = SequenceTracker(boot: snapshot?.boot, highest: snapshot?.lastSeq, gaps: snapshot?.gaps ?? [],
                                       previous: snapshot.flatMap { s in
                                           s.previousBoot.flatMap { boot in s.previousLastSeq.map { (boot, $0) } }
                                       })
        self.lastSeen = snapshot?.lastSeen
        self.lastReading = snapshot?.lastReading
        self.lostCount = snapshot?.lostCount ?? 0
    }

    public var key: DeviceKey { config.key }

    /// A reading received before this gateway process started is shown, but never as current.
    public func isStale(startedAt: EpochMillis) -> Bool {
        guard let reading = lastReading else { return false }
        return reading.receivedAt < startedAt
    }

    /// No message for longer than three report intervals.
    public func isSilent(now: EpochMillis) -> Bool {
        guard let lastSeen else { return true }
        return now - lastSeen > 3 * Int64(intervalSeconds) * 1000
    }

    func snapshot() -> DeviceSnapshot {
        var s = DeviceSnapshot(key: config.key)
        s.kind = config.kind
        s.model = model
        s.firmware = firmware
        s.intervalSeconds = intervalSeconds
        s.replayBuffer = replayBuffer
        s.boot = tracker.boot
        s.lastSeq = tracker.highest
        s.online = online
        s.onlineChangedAt = onlineChangedAt
        s.lastSeen = lastSeen
        s.lastReading = lastReading
        s.lostCount = lostCount
        s.gaps = tracker.gaps
        s.previousBoot = tracker.previous?.boot
        s.previousLastSeq = tracker.previous?.highest
        return s
    }

    mutating func setOnline(_ value: Bool, at now: EpochMillis) {
        if online != value { onlineChangedAt = now }
        online = value
    }
}
