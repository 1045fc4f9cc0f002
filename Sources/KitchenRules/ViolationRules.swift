import KitchenModel

/// Camera detections of one site → graded incidents → alarm signals or digest counts.
public struct ViolationRules: Sendable, Hashable, Codable {
    public private(set) var incidents = IncidentGrouping()
    public private(set) var digest: DailyDigest

    public init(timeZone: String = OperatingHours.defaultTimeZone) {
        digest = DailyDigest(timeZone: timeZone)
    }

    /// Forgets the digest days before `day`, once their digest has been sent.
    public mutating func pruneDigest(before day: String) {
        digest.prune(before: day)
    }

    /// Grades one detection. `hours` are the site's operating hours: a `person` outside them is an
    /// intrusion (class 1); inside them people are supposed to be there and it is ignored.
    public mutating func observe(_ detection: Detection, camera: DeviceKey, at time: EpochMillis,
                                 hours: OperatingHours, config: ViolationConfig = ViolationConfig()) -> [AlarmSignal] {
        guard detection.score >= config.minScore else { return [] }
        var label = detection.label
        if label == config.personLabel {
            guard !hours.isOpen(at: time) else { return [] }
            label = config.intrusionLabel
        }
        guard let riskClass = config.riskClass(for: label) else { return [] }
        let window = Millis.seconds(config.incidentWindowSeconds)
        let (incident, isNew, ended) = incidents.record(
            camera: camera, label: label, riskClass: riskClass, score: detection.score,
            snapshot: detection.snapshot, at: time, window: window)
        var signals: [AlarmSignal] = []
        if let ended, config.shouldAlarm(ended.riskClass) {
            signals.append(incidentSignal(.clear, ended, at: time))
        }
        guard config.shouldAlarm(riskClass) else {
            digest.timeZone = hours.timeZone.identifier
            digest.add(label: label, camera: camera, at: time, newIncident: isNew)
            return signals
        }
        if isNew {
            signals.append(incidentSignal(.raise, incident, at: time))
        } else if time - incident.reportedAt >= Millis.seconds(config.updateEverySeconds) {
            incidents.markReported(camera: camera, label: label, at: time)
            signals.append(incidentSignal(.update, incident, at: time))
        }
        return signals
    }

    /// Ends incidents whose window has passed. Call on every scheduler tick. The `clear` ends the
    /// incident only; the alarm stays open until it is rectified and closed.
    public mutating func tick(now: EpochMillis, config: ViolationConfig = ViolationConfig()) -> [AlarmSignal] {
        incidents.expire(now: now, window: Millis.seconds(config.incidentWindowSeconds))
            .filter { config.shouldAlarm($0.riskClass) }
            .map { incidentSignal(.clear, $0, at: now) }
    }

    private func incidentSignal(_ action: AlarmSignal.Action, _ incident: Incident, at time: EpochMillis) -> AlarmSignal {
        let what = ViolationLabel.nameZH(incident.label)
        let camera = incident.camera.device.rawValue
        let lasted = incident.lastSeenAt - incident.startedAt
        let message: String, messageEN: String
        switch action {
        case .raise, .update:
            let advice = incident.riskClass == .class1 ? "请立即处置，并上传整改照片" : "请在整改期限内整改并上传整改记录"
            message = "\(incident.riskClass.nameZH)违规：\(what)（摄像头 \(camera)，\(incident.count) 次），\(advice)"
            messageEN = "Class \(incident.riskClass.rawValue) violation: \(incident.label) on camera \(camera) "
                + "(\(incident.count) detections); " + (incident.riskClass == .class1 ? "act now." : "rectify by the deadline.")
        case .clear:
            message = "\(what)（摄像头 \(camera)）本次持续 \(MessageText.durationZH(lasted))，共 \(incident.count) 次检测，待整改"
            messageEN = "\(incident.label) on camera \(camera) ended after \(MessageText.durationEN(lasted)), "
                + "\(incident.count) detections; awaiting rectification."
        }
        return AlarmSignal(action, .violation, device: incident.camera, label: incident.label,
                           riskClass: incident.riskClass, at: time, detail: AlarmDetail(
                               value: incident.bestScore, since: incident.startedAt, durationMillis: lasted,
                               count: incident.count, snapshot: incident.snapshot,
                               message: message, messageEN: messageEN))
    }
}
