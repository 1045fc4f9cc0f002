import CameraVision
import Foundation
import KitchenModel
import KitchenRules
import Storage
import StorageModel

/// The seed's week of temperatures, every 10 minutes: a fridge with a daily swing and one warm
/// spell three hours ago (the alarm `al_fridge_warm`), a freezer with defrost bumps, and a
/// Changsha fridge running warm for the last hour.
enum SeedReadings {
    static let step: EpochMillis = 600_000

    static func items(now: EpochMillis) -> [WriteItem] {
        let start = now - 7 * 86_400_000
        var items: [WriteItem] = []
        var last: [DeviceKey: StoredReading] = [:]
        for (key, curve) in curves(now: now) {
            var seq: Int64 = 0
            var at = start
            while at <= now - step {
                seq += 1
                let celsius = (curve(at) * 10).rounded() / 10
                let readings = Readings.thermo(ThermoReading(celsius: celsius))
                items.append(.reading(ReadingRecord(key: key, boot: 1, seq: seq, deviceTime: at, receivedAt: at, readings: readings)))
                last[key] = StoredReading(seq: seq, deviceTime: at, receivedAt: at, readings: readings)
                at += step
            }
            var device = DeviceSnapshot(key: key)
            device.kind = .thermo
            device.intervalSeconds = 600
            device.boot = 1
            device.lastSeq = seq
            device.online = true
            device.onlineChangedAt = start
            device.lastSeen = last[key]?.receivedAt
            device.lastReading = last[key]
            items.append(.device(device))
        }
        return items
    }

    private static func curves(now: EpochMillis) -> [(DeviceKey, (EpochMillis) -> Double)] {
        let day = 86_400_000.0
        let warmFrom = now - 3 * 3_600_000, warmTo = now - 2 * 3_600_000 - 20 * 60_000
        let fridge = { (at: EpochMillis) -> Double in
            if at >= warmFrom && at < warmTo { return 9.0 + Double(at - warmFrom) / Double(warmTo - warmFrom) * 1.2 }
            return 4.0 + 1.2 * sin(2 * .pi * Double(at) / day) + 0.2 * sin(Double(at) / 1_700_000)
        }
        let freezer = { (at: EpochMillis) -> Double in
            // A defrost every 8 hours lifts the freezer for 20 minutes.
            at % (8 * 3_600_000) < 20 * 60_000 ? -14.5 : -18.0 + 0.6 * sin(Double(at) / 2_900_000)
        }
        let changsha = { (at: EpochMillis) -> Double in at >= now - 3_600_000 ? 9.5 : 3.0 + 0.5 * sin(Double(at) / 3_100_000) }
        return [(key("canteen-01", "fridge-1"), fridge), (key("canteen-01", "freezer-1"), freezer),
                (key("canteen-02", "fridge-1"), changsha)]
    }

    static func key(_ site: String, _ device: String) -> DeviceKey {
        DeviceKey(site: SiteID(site)!, device: DeviceID(device)!)
    }
}

/// The seed's alarms, built with the real lifecycle so their trails are what the engine writes.
enum SeedAlarms {
    /// Throws if the lifecycle refuses a step: a seed that silently left out the fridge's
    /// rectification would make the browser test's trail checks fail for an unclear reason.
    static func all(now: EpochMillis) throws -> [(SiteID, [LifecycleStep])] {
        let lifecycle = AlarmLifecycle()
        let hour: EpochMillis = 3_600_000
        // canteen-01: the fridge's warm spell, rectified and closed by itself.
        let fridge = SeedReadings.key("canteen-01", "fridge-1")
        let since = now - 3 * hour
        var warm = [lifecycle.raise(AlarmSignal(.raise, .tooWarm, device: fridge, at: since + 15 * 60_000,
                                                detail: AlarmDetail(value: 9.4, limit: 8, peak: 10.2, since: since,
                                                                    message: "冷藏（fridge-1）温度 9.4 °C，高于上限 8 °C 已 15 分钟",
                                                                    messageEN: "Cold store (fridge-1) at 9.4 °C, above 8 °C for 15 min")),
                                     id: "al_fridge_warm")]
        warm.append(lifecycle.apply(AlarmSignal(.clear, .tooWarm, device: fridge, at: now - 2 * hour - 10 * 60_000,
                                                detail: AlarmDetail(message: "冷藏（fridge-1）温度已恢复至 5.2 °C",
                                                                    messageEN: "Cold store (fridge-1) back at 5.2 °C")),
                                    to: warm.last!.record, newID: { "al_fridge_warm" })!)
        warm.append(try lifecycle.rectify(warm.last!.record, by: "张师傅", action: "食材移入备用冰箱并检修门封",
                                          at: now - 2 * hour))

        // canteen-01: someone smoking in the kitchen 50 minutes ago (class 2, three days to rectify).
        let camera = SeedReadings.key("canteen-01", "cam-1")
        let smoking = [lifecycle.raise(AlarmSignal(.raise, .violation, device: camera, label: "smoking", riskClass: .class2,
                                                   at: now - 50 * 60_000,
                                                   detail: AlarmDetail(snapshot: "seed-smoking", message: "后厨发现吸烟行为",
                                                                       messageEN: "Smoking in the kitchen")),
                                       id: "al_smoking")]

        // canteen-03: a rodent six days ago, never rectified: yellow card.
        let yard = SeedReadings.key("canteen-03", "cam-1")
        var rodent = [lifecycle.raise(AlarmSignal(.raise, .violation, device: yard, label: "rodent", riskClass: .class1,
                                                  at: now - 6 * 24 * hour,
                                                  detail: AlarmDetail(snapshot: "seed-rodent", message: "后厨发现老鼠",
                                                                      messageEN: "Rodent in the kitchen")),
                                      id: "al_rodent")]
        rodent.append(lifecycle.due(rodent[0].record, now: now - 10 * 60_000))

        // Changsha: a warm fridge, open.
        let changsha = SeedReadings.key("canteen-02", "fridge-1")
        let outside = [lifecycle.raise(AlarmSignal(.raise, .tooWarm, device: changsha, at: now - 45 * 60_000,
                                                   detail: AlarmDetail(value: 9.5, limit: 8, peak: 9.5, since: now - hour,
                                                                       message: "冷藏（fridge-1）温度 9.5 °C，高于上限 8 °C",
                                                                       messageEN: "Cold store (fridge-1) at 9.5 °C, above 8 °C")),
                                       id: "al_changsha_warm")]
        return [(fridge.site, warm), (fridge.site, smoking), (yard.site, rodent), (changsha.site, outside)]
    }

    /// Stores each transition of a step with the alarm as it stood after the step.
    static func record(_ step: LifecycleStep, region: String, store: any GatewayStore) throws {
        let r = step.record
        let json = r.storedJSON
        for t in step.transitions {
            try store.record(alarm: AlarmRow(id: r.id, identity: r.identity.description, site: r.device.site, region: region,
                                             device: r.device.device.rawValue, kind: r.kind, riskClass: r.riskClass,
                                             state: r.state, card: r.card, raisedAt: r.raisedAt, updatedAt: t.at,
                                             recordJSON: json),
                             transition: TransitionRow(alarmID: r.id, at: t.at, kind: t.kind.rawValue, actor: t.by, note: t.note,
                                                       bodyJSON: "{}"),
                             outboxTargets: [], now: t.at)
        }
    }

    /// Camera pictures of the two violations, drawn by the synthetic kitchen.
    static func evidence(now: EpochMillis, store: any GatewayStore) throws {
        guard let encoder = JPEGEncoder(), let thumbnails = ThumbnailMaker() else { return }
        for (alarm, camera, label, object, seed, at) in [
            ("al_smoking", SeedReadings.key("canteen-01", "cam-1"), "smoking", SceneObject.person(at: 0.55, 0.7), UInt64(3),
             now - 50 * 60_000),
            ("al_rodent", SeedReadings.key("canteen-03", "cam-1"), "rodent", SceneObject.rodent(at: 0.35, 0.85), UInt64(5),
             now - 6 * 86_400_000),
        ] {
            var kitchen = SyntheticKitchen(width: 640, height: 360, seed: seed)
            let jpeg = try kitchen.jpeg(SceneConditions(objects: [object]), encoder: encoder)
            let thumbnail = try thumbnails.make(from: jpeg, box: object.box)
            _ = try store.insertEvidence(EvidenceRecord(
                alarmID: alarm, camera: camera, snapshot: "seed-\(label)", source: .camera, label: label, score: 0.91,
                box: nil, at: at, storedAt: at, original: jpeg, originalWidth: 640, originalHeight: 360,
                thumbnail: thumbnail.jpeg, thumbnailWidth: thumbnail.width, thumbnailHeight: thumbnail.height), limit: 20)
        }
    }
}
