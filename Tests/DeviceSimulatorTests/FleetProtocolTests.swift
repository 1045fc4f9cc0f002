import DeviceSimulator
import Foundation
import KitchenModel
import MQTTClient
import Testing

/// Against a real mosquitto: what a gateway sees from the simulated fleet.
@Suite("Fleet over MQTT", .serialized)
struct FleetOverMQTTTests {
    @Test("each device announces retained state and birth with boot 1, then counts seq by one")
    func birthStateAndSequence() async throws {
        try await withFleet(busyProfile, configure: { $0.speed = 60 }) { fleet, recorder, broker in
            let devices = ["fridge-1", "cabinet-1", "cam-1", "scale-1"]
            #expect(await recorder.waitUntil(timeout: .seconds(8)) { r in
                devices.allSatisfy { r.sequenced(site: "busy-site", device: $0).count >= 8 }
                    && r.messages.contains { $0.topic.hasSuffix("cabinet-1/event") }
            })
            for device in devices {
                let births = recorder.messages(site: "busy-site", device: device, channel: "birth").compactMap(\.json)
                let birth = try #require(births.first, "\(device) sent no birth")
                #expect(birth["boot"] as? Int == 1)
                #expect(birth["buffer"] as? Int == 1000)
                #expect(birth["interval_s"] as? Int == 1, "10 s at 60x is reported as 1 s")
                #expect(birth["kind"] as? String == device.split(separator: "-").first.map {
                    ["fridge": "thermo", "cabinet": "disinfector", "cam": "camera", "scale": "scale"][String($0)]! })
                #expect(birth["model"] is String && birth["fw"] is String)

                let state = try #require(recorder.messages(site: "busy-site", device: device, channel: "state").first?.json)
                #expect(state["online"] as? Bool == true && state["boot"] as? Int == 1)

                let stream = recorder.sequenced(site: "busy-site", device: device)
                #expect(stream.map(\.seq) == Array(1...Int64(stream.count)), "\(device): \(stream.map(\.seq))")
                #expect(stream.allSatisfy { $0.boot == 1 })
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                #expect(stream.allSatisfy { ($0.json["ts"] as? Int64).map { abs(now - $0) < 60_000 } ?? false })
            }

            let fridge = recorder.sequenced(site: "busy-site", device: "fridge-1")
            #expect(fridge.allSatisfy { ($0.json["t"] as? Double).map { (-2...10).contains($0) } ?? false })
            #expect(fridge.allSatisfy { $0.json["rh"] is Double && $0.json["bat"] is Int })

            let run = try #require(recorder.sequenced(site: "busy-site", device: "cabinet-1")
                .first { $0.topic.hasSuffix("/event") }?.json)
            #expect(run["type"] as? String == "run" && run["mode"] as? String == "infrared")
            let start = try #require(run["start"] as? Int64), end = try #require(run["end"] as? Int64)
            #expect(end > start && end - start >= 55_000, "durations are simulated minutes")
            #expect(run["peak_c"] is Double && run["hold_s"] is Int)

            let detections = recorder.sequenced(site: "busy-site", device: "cam-1").filter { $0.topic.hasSuffix("/event") }
            #expect(!detections.isEmpty)
            for detection in detections {
                #expect(detection.json["label"] as? String == "no_hat")
                let score = try #require(detection.json["score"] as? Double)
                #expect((0...1).contains(score))
                let box = try #require(detection.json["box"] as? [Double])
                #expect(box.count == 4 && box[0] + box[2] <= 1 && box[1] + box[3] <= 1)
            }

            let weighs = recorder.sequenced(site: "busy-site", device: "scale-1").filter { $0.topic.hasSuffix("/weigh") }
            #expect(!weighs.isEmpty)
            #expect(Set(weighs.compactMap { $0.json["req"] as? String }).count == weighs.count, "req is unique")
            #expect(weighs.allSatisfy { $0.json["plu"] as? String == "1002" && $0.json["unit_price_fen"] as? Int == 680 })

            // A gateway that connects later still learns who is online from the retained state.
            let late = try TopicRecorder(url: broker.url, clientID: "late-recorder")
            try await late.start()
            defer { late.stop() }
            #expect(await late.waitUntil { r in devices.allSatisfy { !r.messages(site: "busy-site", device: $0, channel: "state").isEmpty } })
            let retained = late.messages.filter { $0.topic.hasSuffix("/state") }
            #expect(retained.allSatisfy { $0.retain && $0.json?["online"] as? Bool == true })

            let stats = fleet.stats
            #expect(stats.devices.count == 4)
            #expect(stats.devices.allSatisfy { $0.boot == 1 && $0.online && $0.dropped == 0 })
        }
    }

    @Test("stop marks every device offline, retained")
    func cleanStop() async throws {
        let broker = try MosquittoBroker.start(logger: quietLogger)
        defer { broker.stop() }
        let fleet = try Fleet(profile: FleetProfile.parse(yaml: quietThermoProfile),
                              options: SimulatorOptions(brokerURL: broker.url), logger: quietLogger)
        try fleet.start()
        #expect(await fleet.waitUntilOnline(timeout: .seconds(5)))
        fleet.stop()
        let late = try TopicRecorder(url: broker.url, clientID: "after-stop")
        try await late.start()
        defer { late.stop() }
        #expect(await late.waitUntil { $0.messages.filter { $0.topic.hasSuffix("/state") }.count == 2 })
        #expect(late.messages.filter { $0.topic.hasSuffix("/state") }
            .allSatisfy { $0.retain && $0.json?["online"] as? Bool == false && $0.json?["boot"] as? Int == 1 })
    }

    @Test("one shared connection per site still announces every device")
    func sharedConnection() async throws {
        try await withFleet(quietThermoProfile, configure: { $0.clientPerDevice = false }) { fleet, recorder, _ in
            #expect(await recorder.waitUntil { r in
                ["fridge-1", "freezer-1"].allSatisfy { !r.messages(site: "test-site", device: $0, channel: "birth").isEmpty }
            })
            #expect(fleet.sendTelemetryNow(count: 6) == 6)
            #expect(await recorder.waitUntil { $0.sequenced(site: "test-site", device: "freezer-1").count == 3 })
            #expect(recorder.sequenced(site: "test-site", device: "fridge-1").map(\.seq) == [1, 2, 3])
        }
    }

    @Test("connections open at the rate asked for, not all at once")
    func connectRate() async throws {
        let broker = try MosquittoBroker.start(logger: quietLogger)
        defer { broker.stop() }
        var options = SimulatorOptions(brokerURL: broker.url)
        options.connectionsPerSecond = 2  // two devices, a connection each: the second after 0.5 s
        let fleet = try Fleet(profile: FleetProfile.parse(yaml: quietThermoProfile, path: "test.yaml"), options: options,
                              logger: quietLogger)
        let start = ContinuousClock.now
        try fleet.start()
        defer { fleet.stop() }
        #expect(await fleet.waitUntilOnline(timeout: .seconds(5)))
        #expect(start.duration(to: .now) >= .milliseconds(450), "both connected after \(start.duration(to: .now))")

        var bad = SimulatorOptions(brokerURL: broker.url)
        bad.connectionsPerSecond = 0
        #expect(throws: SimulatorOptionsError.self) {
            try Fleet(profile: FleetProfile.parse(yaml: quietThermoProfile, path: "test.yaml"), options: bad, logger: quietLogger)
        }
    }

    @Test("a fleet split into parts gives every site to exactly one part, with the ids one process would give")
    func parts() throws {
        let profile = try FleetProfile.parse(yaml: quietThermoProfile, path: "test.yaml")
        var whole = SimulatorOptions(brokerURL: "mqtt://127.0.0.1:1")
        whole.siteCopies = 7
        let all = try Fleet(profile: profile, options: whole, logger: quietLogger).sites.map(\.id)
        var sliced: [SiteID] = []
        for index in 1...3 {
            var options = whole
            options.part = (index, 3)
            sliced += try Fleet(profile: profile, options: options, logger: quietLogger).sites.map(\.id)
        }
        #expect(sliced == all)
        #expect(all.count == 7)
        var bad = whole
        bad.part = (4, 3)
        #expect(throws: SimulatorOptionsError.self) { try Fleet(profile: profile, options: bad, logger: quietLogger) }
    }

    @Test("a benchmark burst hands every message over in order")
    func burst() async throws {
        try await withFleet(quietThermoProfile) { fleet, recorder, _ in
            #expect(fleet.thermoDeviceCount == 2)
            #expect(fleet.sendTelemetryNow(count: 2000) == 2000)
            #expect(await recorder.waitUntil(timeout: .seconds(10)) { $0.sequenced(site: "test-site", device: "fridge-1").count == 1000 })
            #expect(recorder.sequenced(site: "test-site", device: "fridge-1").map(\.seq) == Array(1...1000))
            #expect(fleet.stats["test-site", "freezer-1"]?.lastSeq == 1000)
        }
    }
}
