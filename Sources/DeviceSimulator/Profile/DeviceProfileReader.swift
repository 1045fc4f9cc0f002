import KitchenModel

/// Turns one `devices[i]` entry into a `DeviceProfile`, filling kind- and zone-specific defaults
/// and refusing values the simulator could not play believably.
struct DeviceProfileReader {
    let path: String
    let location: String

    func fail(_ field: String, _ problem: String) -> ProfileError {
        ProfileError(path: path, location: field.isEmpty ? location : "\(location).\(field)", problem: problem)
    }

    func read(_ raw: RawDevice) throws -> DeviceProfile {
        guard let idText = raw.id, let id = DeviceID(idText), !idText.hasPrefix("_") else {
            throw fail("id", "'\(raw.id ?? "")' must be 1-64 characters of a-z 0-9 - _ (not starting with _)")
        }
        guard let kindText = raw.kind, let kind = DeviceKind(rawValue: kindText) else {
            throw fail("kind", "'\(raw.kind ?? "")' must be one of " + DeviceKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var zone = kind == .sampler ? Zone.sample : Zone.ambient
        if let zoneText = raw.zone {
            guard let parsed = Zone(rawValue: zoneText) else {
                throw fail("zone", "'\(zoneText)' must be one of " + Zone.allCases.map(\.rawValue).joined(separator: ", "))
            }
            zone = parsed
        }
        let interval = raw.interval_s ?? 60
        guard (1...86_400).contains(interval) else { throw fail("interval_s", "\(interval) must be between 1 and 86400") }
        let qos = raw.telemetry_qos ?? 1
        guard qos == 0 || qos == 1 else { throw fail("telemetry_qos", "\(qos) must be 0 or 1") }
        let model = raw.model ?? "BK-" + kind.rawValue.prefix(1).uppercased() + "1"
        let firmware = raw.fw ?? "1.0.0"
        guard (1...64).contains(model.unicodeScalars.count) else { throw fail("model", "must be 1-64 characters") }
        guard (1...64).contains(firmware.unicodeScalars.count) else { throw fail("fw", "must be 1-64 characters") }

        let behaviour: DeviceBehaviour
        switch kind {
        case .thermo: behaviour = .thermo(try thermo(raw, zone: zone))
        case .disinfector: behaviour = .disinfector(try disinfector(raw))
        case .camera: behaviour = .camera(try camera(raw))
        case .scale: behaviour = .scale(try scale(raw, deviceID: idText))
        case .checker: behaviour = .checker(try checker(raw))
        case .sampler: behaviour = .sampler(try sampler(raw))
        }
        return DeviceProfile(id: id, kind: kind, zone: zone, intervalSeconds: interval, model: model,
                             firmware: firmware, telemetryQoS: qos, behaviour: behaviour)
    }

    private func nonNegative(_ value: Double?, _ field: String) throws -> Double? {
        guard let value else { return nil }
        guard value >= 0, value.isFinite else { throw fail(field, "\(value) must be a finite number ≥ 0") }
        return value
    }

    private func fraction(_ value: Double?, _ field: String) throws -> Double? {
        guard let value else { return nil }
        guard (0...1).contains(value) else { throw fail(field, "\(value) must be between 0 and 1") }
        return value
    }

    func thermo(_ raw: RawDevice, zone: Zone) throws -> ThermoBehaviour {
        var b = ThermoBehaviour.defaults(for: zone)
        if let v = raw.baseline {
            guard (-60...150).contains(v) else { throw fail("baseline", "\(v) °C is not a kitchen temperature (-60...150)") }
            b.baseline = v
        }
        b.noise = try nonNegative(raw.noise, "noise") ?? b.noise
        b.drift = try nonNegative(raw.drift, "drift") ?? b.drift
        if let v = raw.humidity {
            guard (0...100).contains(v) else { throw fail("humidity", "\(v) must be 0-100 %RH") }
            b.humidity = v
        }
        b.humidityNoise = try nonNegative(raw.humidity_noise, "humidity_noise") ?? b.humidityNoise
        b.doorsPerHour = try nonNegative(raw.door_per_h, "door_per_h") ?? b.doorsPerHour
        b.doorRise = raw.door_rise ?? b.doorRise
        b.defrostEveryHours = try nonNegative(raw.defrost_every_h, "defrost_every_h") ?? b.defrostEveryHours
        b.defrostRise = raw.defrost_rise ?? b.defrostRise
        b.defrostMinutes = try nonNegative(raw.defrost_min, "defrost_min") ?? b.defrostMinutes
        if let v = raw.battery {
            guard (0...100).contains(v) else { throw fail("battery", "\(v) must be 0-100 %") }
            b.battery = v
        }
        b.batteryDrainPerDay = try nonNegative(raw.battery_drain_per_day, "battery_drain_per_day") ?? b.batteryDrainPerDay
        b.warmTarget = raw.warm_target ?? b.warmTarget
        return b
    }

    func disinfector(_ raw: RawDevice) throws -> DisinfectorBehaviour {
        guard let modeText = raw.mode, let mode = DisinfectionMode(rawValue: modeText) else {
            throw fail("mode", "'\(raw.mode ?? "")' must be one of " + DisinfectionMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var minutes: [Int] = []
        for (i, text) in (raw.schedule ?? []).enumerated() {
            guard let m = Self.minuteOfDay(text) else {
                throw fail("schedule[\(i)]", "'\(text)' must be a local time HH:MM (quote it: \"06:30\")")
            }
            minutes.append(m)
        }
        let every = try nonNegative(raw.every_min, "every_min")
        if let every, every < 1 { throw fail("every_min", "must be at least 1 minute") }
        guard !minutes.isEmpty || every != nil else {
            throw fail("schedule", "a disinfector needs 'schedule' (local start times) or 'every_min'")
        }
        let run = try nonNegative(raw.run_min, "run_min") ?? 30
        guard run >= 1, run <= 600 else { throw fail("run_min", "\(run) must be between 1 and 600 minutes") }
        if let every, run >= every { throw fail("run_min", "\(run) must be shorter than every_min (\(every))") }
        return DisinfectorBehaviour(
            mode: mode, scheduleMinutes: minutes.sorted(), everyMinutes: every, runMinutes: run,
            targetCelsius: raw.target_c, heatUpMinutes: try nonNegative(raw.heatup_min, "heatup_min") ?? 8,
            lampHours: try nonNegative(raw.lamp_h, "lamp_h") ?? 300,
            lampRatedHours: try nonNegative(raw.lamp_rated_h, "lamp_rated_h") ?? 1000,
            uvNew: try nonNegative(raw.uv_new, "uv_new") ?? 95,
            shortRunRate: try fraction(raw.short_run_rate, "short_run_rate") ?? 0)
    }

    func camera(_ raw: RawDevice) throws -> CameraBehaviour {
        let fps = try nonNegative(raw.fps, "fps") ?? 15
        guard fps <= 240 else { throw fail("fps", "\(fps) must be at most 240") }
        var rules: [CameraBehaviour.DetectionRule] = []
        for (i, d) in (raw.detections ?? []).enumerated() {
            let at = "detections[\(i)]"
            guard let label = d.label, (1...32).contains(label.utf8.count),
                  label.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
            else { throw fail("\(at).label", "'\(d.label ?? "")' must be 1-32 characters of a-z 0-9 _") }
            let perHour = try nonNegative(d.per_h, "\(at).per_h") ?? 1
            // Rodents and intruders are what a kitchen camera sees after closing time.
            let defaultPeriod: CameraBehaviour.Period = ["rodent", "intrusion"].contains(label) ? .closed : .open
            var period = defaultPeriod
            if let w = d.when {
                guard let p = CameraBehaviour.Period(rawValue: w) else {
                    throw fail("\(at).when", "'\(w)' must be one of open, closed, any")
                }
                period = p
            }
            var score = 0.6...0.95
            if let s = d.score {
                guard s.count == 2, s[0] <= s[1], (0...1).contains(s[0]), (0...1).contains(s[1]) else {
                    throw fail("\(at).score", "must be [low, high] with 0 ≤ low ≤ high ≤ 1")
                }
                score = s[0]...s[1]
            }
            rules.append(.init(label: label, perHour: perHour, when: period, score: score))
        }
        return CameraBehaviour(fps: fps, detections: rules)
    }

    func scale(_ raw: RawDevice, deviceID: String) throws -> ScaleBehaviour {
        let stall = raw.stall ?? deviceID.uppercased()
        guard Self.isToken(stall, max: 16) else { throw fail("stall", "'\(stall)' must be 1-16 characters of A-Z a-z 0-9 - _ . :") }
        var items: [ScaleBehaviour.Item] = []
        for (i, item) in (raw.items ?? []).enumerated() {
            let at = "items[\(i)]"
            guard let plu = item.plu, (1...16).contains(plu.utf8.count), plu.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw fail("\(at).plu", "'\(item.plu ?? "")' must be 1-16 digits (quote it: \"1002\")")
            }
            guard let price = item.unit_price_fen, (0...100_000_000).contains(price) else {
                throw fail("\(at).unit_price_fen", "must be an integer number of fen per kilogram, 0...100000000")
            }
            let grams = item.grams ?? [200, 2000]
            guard grams.count == 2, grams[0] >= 1, grams[0] <= grams[1], grams[1] <= 1_000_000 else {
                throw fail("\(at).grams", "must be [min, max] with 1 ≤ min ≤ max ≤ 1000000")
            }
            guard let batch = item.batch, Self.isToken(batch, max: 64) else {
                throw fail("\(at).batch", "'\(item.batch ?? "")' must be 1-64 characters of A-Z a-z 0-9 - _ . :")
            }
            items.append(.init(plu: plu, name: item.name ?? plu, unitPriceFen: price, grams: grams[0]...grams[1], batch: batch))
        }
        guard !items.isEmpty else { throw fail("items", "a scale needs at least one item to weigh") }
        return ScaleBehaviour(stall: stall, vendor: raw.vendor, weighsPerHour: try nonNegative(raw.weigh_per_h, "weigh_per_h") ?? 40,
                              calibratedDaysAgo: try nonNegative(raw.calibrated_days_ago, "calibrated_days_ago") ?? 30,
                              items: items)
    }

    /// The workers a 晨检仪 checks; the gateway's staff rules check the rest when the registry loads.
    func checker(_ raw: RawDevice) throws -> CheckerBehaviour {
        var workers: [CheckerBehaviour.Worker] = []
        for (i, w) in (raw.workers ?? []).enumerated() {
            let at = "workers[\(i)]"
            guard let id = w.id, DeviceID(id) != nil else { throw fail("\(at).id", "'\(w.id ?? "")' must be 1-64 characters of a-z 0-9 - _") }
            guard !workers.contains(where: { $0.id == id }) else { throw fail("\(at).id", "'\(id)' is listed twice") }
            let temperature = w.temp_c ?? 36.5
            guard (34...43).contains(temperature) else { throw fail("\(at).temp_c", "\(temperature) °C is not a body temperature (34-43)") }
            let symptoms = w.symptoms ?? []
            if let unknown = symptoms.first(where: { !MorningCheckEvent.knownSymptoms.contains($0) }) {
                throw fail("\(at).symptoms", "'\(unknown)' must be one of " + MorningCheckEvent.knownSymptoms.joined(separator: ", "))
            }
            workers.append(.init(id: id, name: w.name ?? id, role: w.role ?? "cook", certificateNumber: w.cert_no ?? "HC-\(id)",
                                 certificateExpiry: w.cert_expiry ?? "2099-12-31", temperatureC: temperature, symptoms: symptoms))
        }
        guard !workers.isEmpty else { throw fail("workers", "a checker needs at least one worker to check") }
        return CheckerBehaviour(workers: workers)
    }

    /// The meals a 留样柜 samples; the gateway's meal-plan rules check the rest when the registry loads.
    func sampler(_ raw: RawDevice) throws -> SamplerBehaviour {
        let fridge = try thermo(raw, zone: .sample)
        var meals: [SamplerBehaviour.MealDishes] = []
        for (i, m) in (raw.meals ?? []).enumerated() {
            let at = "meals[\(i)]"
            guard let meal = m.meal.flatMap(Meal.init(rawValue:)) else {
                throw fail("\(at).meal", "'\(m.meal ?? "")' must be one of " + Meal.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard !meals.contains(where: { $0.meal == meal }) else { throw fail("\(at).meal", "'\(meal.rawValue)' is listed twice") }
            var dishes: [SamplerBehaviour.Dish] = []
            for (j, d) in (m.dishes ?? []).enumerated() {
                guard let name = d.dish, (1...32).contains(name.count), !dishes.contains(where: { $0.name == name }) else {
                    throw fail("\(at).dishes[\(j)].dish", "must be a name of 1-32 characters, not listed twice")
                }
                let grams = d.grams ?? 150
                guard (0...5_000).contains(grams) else { throw fail("\(at).dishes[\(j)].grams", "\(grams) must be 0-5000 g") }
                dishes.append(.init(name: name, grams: grams))
            }
            guard !dishes.isEmpty else { throw fail("\(at).dishes", "a meal needs at least one dish") }
            meals.append(.init(meal: meal, ends: m.ends ?? meal.defaultServiceEnd, dishes: dishes))
        }
        guard !meals.isEmpty else { throw fail("meals", "a sampler needs at least one meal to sample") }
        return SamplerBehaviour(fridge: fridge, meals: meals)
    }

    static func isToken(_ text: String, max: Int) -> Bool {
        (1...max).contains(text.utf8.count) && text.utf8.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
                || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x3A
        }
    }

    static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }
}
