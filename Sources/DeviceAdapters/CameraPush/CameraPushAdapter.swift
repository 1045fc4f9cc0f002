import DeviceIngest
import KitchenModel

/// Turns what an ISAPI or GA/T 1400 camera pushed into canonical messages for its registry
/// device: a `detection` naming a `snapshot` id plus that snapshot (the camera service joins
/// them and keeps the picture as the alarm's evidence), or presence for a heartbeat. Event
/// types the label table does not know are returned for the unmapped tally, never dropped
/// silently; a bad picture is a problem to count while the detection still goes through.
public enum CameraPushAdapter {
    public struct Result: Hashable, Sendable {
        public var messages: [AdaptedMessage] = []
        /// Vendor event types (ISAPI `eventType`, GA/T 1400 `EventSort`) with no label.
        public var unmapped: [String] = []
        /// Known types configured to `""`, or the end (`inactive`) of an event already reported.
        public var ignored: [String] = []
        /// Pictures refused (bad base64, not a JPEG, too large); their detections still count.
        public var problems: [PushProblem] = []

        /// A detection, then its picture as the snapshot it names (when the picture was good).
        mutating func append(_ detection: Detection, key: DeviceKey, receivedAt: EpochMillis, deviceTime: EpochMillis?,
                             jpeg: [UInt8]?) {
            messages.append(AdaptedMessage(DeviceMessage(key: key, receivedAt: receivedAt, payload: .event(.detection(detection))),
                                           deviceTime: deviceTime))
            if let jpeg, let snapshotID = detection.snapshot {
                messages.append(AdaptedMessage(DeviceMessage(key: key, receivedAt: receivedAt,
                                                             payload: .snapshot(id: snapshotID, jpeg: jpeg))))
            }
        }
    }

    public static func isapi(_ push: ISAPIPush, binding: Binding, receivedAt: EpochMillis, limits: IngestLimits) -> Result {
        var result = Result()
        let key = binding.key
        let alert = push.alert
        if alert.isHeartbeat {
            result.messages.append(.presence(key, online: true, receivedAt: receivedAt))
            return result
        }
        guard alert.isActive else {
            result.ignored.append("\(alert.eventType) inactive")
            return result
        }
        switch CameraLabelTable.lookup(alert.eventType, family: .isapi, account: binding.source.push) {
        case .unknown:
            result.unmapped.append(alert.eventType)
        case .dropped:
            result.ignored.append(alert.eventType)
        case .label(let label):
            let deviceTime = alert.dateTime.flatMap(DeviceClock.fromISO8601).flatMap {
                DeviceClock.plausible($0, receivedAt: receivedAt, limits: limits)
            }
            let jpeg = firstJPEG(push.pictures, limits: limits, problems: &result.problems)
            let snapshotID = jpeg.map { _ in FrigateSnapshotIDs.sanitize("isapi-\(receivedAt)-\(alert.eventType)") }
            result.append(Detection(label: label, score: alert.confidence ?? 1.0, box: alert.box, snapshot: snapshotID),
                          key: key, receivedAt: receivedAt, deviceTime: deviceTime, jpeg: jpeg)
        }
        return result
    }

    /// One detection per distinct `EventSort` of the notifications, with its scene picture
    /// (`Type` 14) as evidence when there is one, else its first picture.
    public static func gat1400(_ notifications: GAT1400.Notifications, binding: Binding, receivedAt: EpochMillis,
                               limits: IngestLimits) -> Result {
        var result = Result()
        let key = binding.key
        var seen = Set<String>()
        for picture in notifications.pictures {
            let sort = picture.eventSort ?? "none"
            guard seen.insert(sort).inserted else { continue }
            let label: String
            switch CameraLabelTable.lookup(sort, family: .gat1400, account: binding.source.push) {
            case .unknown: result.unmapped.append(sort); continue
            case .dropped: result.ignored.append(sort); continue
            case .label(let l): label = l
            }
            let candidates = notifications.pictures.filter { ($0.eventSort ?? "none") == sort }
            let chosen = candidates.first { $0.type == "14" } ?? candidates[0]
            var jpeg: [UInt8]?
            do {
                let bytes = try Base64Picture.decode(chosen.data, maxBytes: limits.maxImageBytes)
                jpeg = firstJPEG([bytes], limits: limits, problems: &result.problems)
            } catch {
                result.problems.append(PushProblem(.badBase64, "EventSort \(sort.prefix(16)): \(error.message)"))
            }
            let snapshotID = jpeg.map { _ in
                FrigateSnapshotIDs.sanitize("gat-" + (chosen.imageID.map { String($0.suffix(40)) } ?? "\(receivedAt)-\(sort)"))
            }
            let deviceTime = chosen.shotTime.flatMap(GAT1400.time).flatMap {
                DeviceClock.plausible($0, receivedAt: receivedAt, limits: limits)
            }
            result.append(Detection(label: label, score: 1.0, box: nil, snapshot: snapshotID),
                          key: key, receivedAt: receivedAt, deviceTime: deviceTime, jpeg: jpeg)
        }
        return result
    }

    /// A heartbeat, register or keepalive: the device is online.
    public static func online(_ binding: Binding, receivedAt: EpochMillis) -> AdaptedMessage {
        .presence(binding.key, online: true, receivedAt: receivedAt)
    }

    private static func firstJPEG(_ pictures: [[UInt8]], limits: IngestLimits, problems: inout [PushProblem]) -> [UInt8]? {
        for picture in pictures {
            let checked: Swift.Result<[UInt8], Rejection> = picture.withUnsafeBytes { buffer in
                do throws(Rejection) { return .success(try ImageDecoder.jpeg(buffer, limits: limits)) } catch { return .failure(error) }
            }
            switch checked {
            case .success(let jpeg): return jpeg
            case .failure(let error):
                problems.append(PushProblem(error.reason == .payloadTooLarge ? .payloadTooLarge : .notJPEG, error.message))
            }
        }
        return nil
    }
}
