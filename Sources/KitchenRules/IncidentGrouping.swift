import KitchenModel

/// Repeated detections of one label by one camera, close together in time: one thing happening.
public struct Incident: Sendable, Hashable, Codable {
    @DeviceKeyCoded public var camera: DeviceKey
    public var label: String
    public var riskClass: RiskClass
    public var startedAt: EpochMillis
    public var lastSeenAt: EpochMillis
    public var count: Int
    public var bestScore: Double
    /// The first snapshot offered as evidence, kept with the alarm.
    public var snapshot: String?
    /// When the last `raise`/`update` for this incident went out.
    public var reportedAt: EpochMillis
}

/// The open incidents of a site. An incident ends when its window passes with no new detection.
public struct IncidentGrouping: Sendable, Hashable, Codable {
    public private(set) var open: [Incident] = []

    public init() {}

    public func incident(camera: DeviceKey, label: String) -> Incident? {
        open.first { $0.camera == camera && $0.label == label }
    }

    /// Adds a detection. Returns the incident after it, whether the detection started it, and any
    /// incident of the same camera and label that had expired before it.
    mutating func record(camera: DeviceKey, label: String, riskClass: RiskClass, score: Double, snapshot: String?,
                         at time: EpochMillis, window: EpochMillis) -> (incident: Incident, isNew: Bool, ended: Incident?) {
        var ended: Incident?
        if let index = open.firstIndex(where: { $0.camera == camera && $0.label == label }) {
            if time - open[index].lastSeenAt <= window {
                open[index].count += 1
                open[index].lastSeenAt = max(open[index].lastSeenAt, time)
                open[index].bestScore = max(open[index].bestScore, score)
                if open[index].snapshot == nil { open[index].snapshot = snapshot }
                return (open[index], false, nil)
            }
            ended = open.remove(at: index)
        }
        let incident = Incident(camera: camera, label: label, riskClass: riskClass, startedAt: time, lastSeenAt: time,
                                count: 1, bestScore: score, snapshot: snapshot, reportedAt: time)
        open.append(incident)
        return (incident, true, ended)
    }

    mutating func markReported(camera: DeviceKey, label: String, at time: EpochMillis) {
        if let index = open.firstIndex(where: { $0.camera == camera && $0.label == label }) {
            open[index].reportedAt = time
        }
    }

    /// Removes and returns incidents whose window has passed.
    mutating func expire(now: EpochMillis, window: EpochMillis) -> [Incident] {
        let ended = open.filter { now - $0.lastSeenAt > window }
        open.removeAll { now - $0.lastSeenAt > window }
        return ended
    }
}
