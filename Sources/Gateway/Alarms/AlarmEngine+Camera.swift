import KitchenModel
import KitchenRules

/// What the camera service needs from the engine: equipment conditions it diagnoses itself
/// (video quality), and which open violation a piece of evidence belongs to.
extension AlarmEngine {
    /// Reports the current state of an equipment condition computed outside the rules (the
    /// camera service's video-quality diagnosis). Level-triggered against the open alarms, which
    /// are durable: reporting "active" twice raises once, "inactive" clears only a raised
    /// condition, and after a restart the stored alarms say what is raised.
    public func reportCondition(_ kind: AlarmKind, device: DeviceKey, active: Bool, at time: EpochMillis,
                                detail: AlarmDetail) {
        guard kind.category == .equipment, let site = model.site(device.site) else { return }
        state.withLock { s in
            let identity = AlarmIdentity(device: device, kind: kind)
            let open = s.open[identity]
            let raised = open.map { !$0.conditionCleared } ?? false
            guard active != raised else { return }
            let signal = AlarmSignal(active ? .raise : .clear, kind, device: device, at: time, detail: detail)
            guard let step = lifecycle.apply(signal, to: open, newID: Self.newID) else { return }
            commit(step, site: site, in: &s)
            handOff(&s)
        }
    }

    /// The equipment conditions of `kinds` currently raised (open, condition not cleared) on a device.
    public func raisedConditions(device: DeviceKey, among kinds: [AlarmKind]) -> Set<AlarmKind> {
        state.withLock { s in
            Set(kinds.filter { kind in
                s.open[AlarmIdentity(device: device, kind: kind)].map { !$0.conditionCleared } ?? false
            })
        }
    }

    /// The open violation alarm a camera's detection fed, graded as `ViolationRules` grades it (a
    /// `person` outside operating hours is an `intrusion`; low scores and people at work raise nothing).
    public func openViolation(for detection: Detection, camera: DeviceKey, at time: EpochMillis) -> AlarmRecord? {
        let violations = config.violations
        guard detection.score >= violations.minScore else { return nil }
        var label = detection.label
        if label == violations.personLabel {
            guard let site = model.site(camera.site), !site.hours.isOpen(at: time) else { return nil }
            label = violations.intrusionLabel
        }
        let identity = AlarmIdentity(device: camera, kind: .violation, label: label)
        return state.withLock { s in s.open[identity] }
    }
}
