import KitchenModel
import Testing
import KitchenRules

@Suite("Camera violations, incidents and the daily digest")
struct ViolationRulesTests {
    let hours = try! OperatingHours(parsing: "06:00-20:00")
    let cam1 = key("cam-1")
    let cam2 = key("cam-2")

    func detections(_ rules: inout ViolationRules, _ label: String, camera: DeviceKey, count: Int,
                    from start: EpochMillis, every: EpochMillis = 12 * T.second,
                    config: ViolationConfig = ViolationConfig()) -> [AlarmSignal] {
        (0..<count).flatMap { i in
            rules.observe(Detection(label: label, score: 0.9), camera: camera, at: start + EpochMillis(i) * every,
                          hours: hours, config: config)
        }
    }

    @Test("50 no_hat detections in 10 min from one camera: one incident of 50, digest only")
    func noHatFlood() throws {
        var rules = ViolationRules()
        let signals = detections(&rules, "no_hat", camera: cam1, count: 50, from: T.at(11))
        #expect(signals.isEmpty)
        let incident = try #require(rules.incidents.incident(camera: cam1, label: "no_hat"))
        #expect(incident.count == 50)
        #expect(rules.incidents.open.count == 1)
        let day = rules.digest.digest(for: "2025-03-10")
        #expect(day.count == 1)
        #expect(day.first?.label == "no_hat" && day.first?.camera == cam1)
        #expect(day.first?.incidents == 1 && day.first?.detections == 50)
        #expect(rules.tick(now: T.at(12)).isEmpty)  // class 3 incidents end silently
    }

    @Test("a rodent seen 50 times is one alarm, updated at most once a minute, cleared with its count")
    func rodentIncident() throws {
        var rules = ViolationRules()
        let signals = detections(&rules, "rodent", camera: cam1, count: 50, from: T.at(2))
        #expect(signals.first?.action == .raise)
        #expect(signals.first?.riskClass == .class1)
        #expect(signals.first?.label == "rodent")
        #expect(signals.first?.detail.message.contains("一类违规：发现老鼠（摄像头 cam-1，1 次）") == true)
        let updates = signals.dropFirst()
        #expect(updates.allSatisfy { $0.action == .update })
        #expect(updates.count == 9)  // 50 detections 12 s apart span 9 min 48 s
        #expect(updates.compactMap(\.detail.count) == [6, 11, 16, 21, 26, 31, 36, 41, 46])
        #expect(rules.tick(now: T.at(2, 15)).isEmpty)  // within 10 min of the last detection
        let ended = rules.tick(now: T.at(2, 21))
        #expect(ended.actions == ["clear violation"])
        #expect(ended.first?.detail.count == 50)
        #expect(rules.incidents.open.isEmpty)
        #expect(rules.digest.days.isEmpty)  // alarmed classes are not digest material
    }

    @Test("two cameras are two incidents")
    func twoCameras() {
        var rules = ViolationRules()
        var signals = detections(&rules, "smoking", camera: cam1, count: 5, from: T.at(11))
        signals += detections(&rules, "smoking", camera: cam2, count: 5, from: T.at(11))
        #expect(signals.filter { $0.action == .raise }.map(\.device) == [cam1, cam2])
        #expect(signals.allSatisfy { $0.riskClass == .class2 })
        #expect(rules.incidents.open.count == 2)
    }

    @Test("a detection after the window starts a new incident and ends the old one")
    func windowExpiry() {
        var rules = ViolationRules()
        _ = detections(&rules, "pest", camera: cam1, count: 3, from: T.at(11))
        let later = rules.observe(Detection(label: "pest", score: 0.8), camera: cam1, at: T.at(11, 30), hours: hours)
        #expect(later.actions == ["clear violation", "raise violation"])
        #expect(later[0].detail.count == 3 && later[1].detail.count == 1)
    }

    @Test("scores below the minimum are ignored", arguments: [0.0, 0.3, 0.59])
    func lowScore(score: Double) {
        var rules = ViolationRules()
        #expect(rules.observe(Detection(label: "rodent", score: score), camera: cam1, at: T.at(3), hours: hours).isEmpty)
        #expect(rules.incidents.open.isEmpty)
    }

    @Test("a person outside operating hours is an intrusion, inside them nothing",
          arguments: [(23, true), (5, true), (20, true), (6, false), (12, false), (19, false)])
    func person(hour: Int, intrusion: Bool) {
        var rules = ViolationRules()
        let signals = rules.observe(Detection(label: "person", score: 0.95, snapshot: "snap-1"), camera: cam1,
                                    at: T.at(hour, 0), hours: hours)
        if intrusion {
            #expect(signals.actions == ["raise violation"])
            #expect(signals.first?.label == "intrusion")
            #expect(signals.first?.riskClass == .class1)
            #expect(signals.first?.detail.snapshot == "snap-1")
        } else {
            #expect(signals.isEmpty)
        }
    }

    @Test("unknown labels are ignored")
    func unknownLabel() {
        var rules = ViolationRules()
        #expect(rules.observe(Detection(label: "cat", score: 0.99), camera: cam1, at: T.at(3), hours: hours).isEmpty)
    }

    @Test("the risk-class table is configurable")
    func configurableTable() {
        var config = ViolationConfig()
        config.classes["no_mask"] = .class2
        #expect(config.shouldAlarm(.class1) && config.shouldAlarm(.class2) && !config.shouldAlarm(.class3))
        var rules = ViolationRules()
        let signals = rules.observe(Detection(label: "no_mask", score: 0.9), camera: cam1, at: T.at(11),
                                    hours: hours, config: config)
        #expect(signals.first?.riskClass == .class2)
    }

    @Test("digest days are the site's local days")
    func localDays() {
        var digest = DailyDigest(timeZone: "Asia/Shanghai")
        digest.add(label: "no_gloves", camera: cam1, at: T.at(23, 30), newIncident: true)
        digest.add(label: "no_gloves", camera: cam1, at: T.at(0, 30, day: 1), newIncident: true)
        digest.add(label: "no_gloves", camera: cam1, at: T.at(0, 31, day: 1), newIncident: false)
        digest.add(label: "no_hat", camera: cam2, at: T.at(0, 32, day: 1), newIncident: true)
        #expect(digest.day(of: T.at(23, 59)) == "2025-03-10")
        #expect(digest.digest(for: "2025-03-10").map(\.incidents) == [1])
        let next = digest.digest(for: "2025-03-11")
        #expect(next.map(\.label) == ["no_gloves", "no_hat"])
        #expect(next.map(\.incidents) == [1, 1])
        #expect(next.map(\.detections) == [2, 1])
        digest.prune(before: "2025-03-11")
        #expect(digest.digest(for: "2025-03-10").isEmpty)
        #expect(digest.digest(for: "2025-03-11").count == 2)
    }
}
