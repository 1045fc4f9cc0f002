import DeviceSimulator
import Foundation
import KitchenModel
import MQTTClient
import Testing

/// How the simulated devices help a gateway recover what it lost.
extension FleetOverMQTTTests {
    @Test("replay re-publishes exactly the buffered messages from from_seq, byte for byte")
    func replay() async throws {
        try await withFleet(quietThermoProfile) { fleet, recorder, _ in
            fleet.sendTelemetryNow(count: 20)
            #expect(await recorder.waitUntil { $0.sequenced(site: "test-site", device: "fridge-1").count == 10 })
            let originals = recorder.sequenced(site: "test-site", device: "fridge-1")

            try recorder.send(.replay(fromSeq: 4, boot: nil), site: "test-site", device: "fridge-1")
            #expect(await recorder.waitUntil { $0.sequenced(site: "test-site", device: "fridge-1").count == 17 })
            try await Task.sleep(for: .milliseconds(300))
            let replayed = Array(recorder.sequenced(site: "test-site", device: "fridge-1").dropFirst(10))
            #expect(replayed.map(\.seq) == Array(4...10))
            #expect(replayed.map(\.payload) == originals.filter { $0.seq >= 4 }.map(\.payload))
            #expect(recorder.sequenced(site: "test-site", device: "freezer-1").count == 10, "only the asked device replays")
            #expect(fleet.stats["test-site", "fridge-1"]?.replayedMessages == 7)

            // With a boot, only messages of that boot or later; nothing here is older than boot 1.
            try recorder.send(.replay(fromSeq: 9, boot: 1), site: "test-site", device: "fridge-1")
            #expect(await recorder.waitUntil { $0.sequenced(site: "test-site", device: "fridge-1").count == 19 })
        }
    }

    @Test("after stopReporting the devices make nothing new but still answer a replay")
    func lingerAnswersReplays() async throws {
        try await withFleet(busyProfile, configure: { $0.speed = 60 }) { fleet, recorder, _ in
            #expect(await recorder.waitUntil { $0.sequenced(site: "busy-site", device: "fridge-1").count >= 3 })
            fleet.stopReporting()
            let published = fleet.stats.published
            let seen = recorder.sequenced(site: "busy-site", device: "fridge-1").count
            try await Task.sleep(for: .milliseconds(1_500))  // the fridge reports every 1 s at 60x
            #expect(fleet.stats.published == published, "nothing new after stopReporting")
            try recorder.send(.replay(fromSeq: 1, boot: nil), site: "busy-site", device: "fridge-1")
            #expect(await recorder.waitUntil { $0.sequenced(site: "busy-site", device: "fridge-1").count >= seen + 3 })
            #expect(fleet.stats["busy-site", "fridge-1"]?.replayedMessages ?? 0 >= 3)
        }
    }

    @Test("replay is bounded by the device's buffer")
    func boundedReplay() async throws {
        try await withFleet(quietThermoProfile, configure: { $0.replayBuffer = 5 }) { fleet, recorder, _ in
            fleet.sendTelemetryNow(count: 20)
            #expect(await recorder.waitUntil { $0.sequenced(site: "test-site", device: "freezer-1").count == 10 })
            let birth = try #require(recorder.messages(site: "test-site", device: "freezer-1", channel: "birth").first?.json)
            #expect(birth["buffer"] as? Int == 5)
            try recorder.send(.replay(fromSeq: 1, boot: nil), site: "test-site", device: "freezer-1")
            #expect(await recorder.waitUntil { $0.sequenced(site: "test-site", device: "freezer-1").count == 15 })
            try await Task.sleep(for: .milliseconds(300))
            #expect(recorder.sequenced(site: "test-site", device: "freezer-1").dropFirst(10).map(\.seq) == Array(6...10))
        }
    }

    @Test("rebirth re-sends birth with the same boot")
    func rebirth() async throws {
        try await withFleet(quietThermoProfile) { fleet, recorder, _ in
            #expect(await recorder.waitUntil { $0.messages(site: "test-site", device: "fridge-1", channel: "birth").count == 1 })
            try recorder.send(.rebirth, site: "test-site", device: "fridge-1")
            #expect(await recorder.waitUntil { $0.messages(site: "test-site", device: "fridge-1", channel: "birth").count == 2 })
            let births = recorder.messages(site: "test-site", device: "fridge-1", channel: "birth")
            #expect(births[0].payload == births[1].payload)
            #expect(births[1].json?["boot"] as? Int == 1)
            #expect(fleet.stats["test-site", "fridge-1"]?.boot == 1)
            // Commands a device does not know are ignored, as firmware would.
            try recorder.client.publish(topic: "bk/v1/test-site/fridge-1/cmd", payload: Array(#"{"cmd":"dance"}"#.utf8), qos: 1)
            try await Task.sleep(for: .milliseconds(200))
            #expect(fleet.stats["test-site", "fridge-1"]?.birthsSent == 2)
        }
    }

    @Test("a dropped connection fires the Will, then boot 2 and seq carries on")
    func reconnect() async throws {
        try await withFleet(quietThermoProfile) { fleet, recorder, _ in
            fleet.sendTelemetryNow(count: 6)
            #expect(await recorder.waitUntil { $0.sequenced(site: "test-site", device: "fridge-1").count == 3 })

            fleet.dropConnection(site: "test-site", device: "fridge-1")
            #expect(await recorder.waitUntil { r in
                r.messages(site: "test-site", device: "fridge-1", channel: "birth").contains { $0.json?["boot"] as? Int == 2 }
            })
            #expect(await fleet.waitUntilOnline(timeout: .seconds(5)))
            let states = recorder.messages(site: "test-site", device: "fridge-1", channel: "state").compactMap(\.json)
            let will = try #require(states.first { $0["online"] as? Bool == false })
            #expect(will["boot"] as? Int == 1, "the Will speaks for the boot that was lost")
            #expect(states.last?["online"] as? Bool == true && states.last?["boot"] as? Int == 2)

            fleet.sendTelemetryNow(count: 4)
            #expect(await recorder.waitUntil { $0.sequenced(site: "test-site", device: "fridge-1").count == 5 })
            let stream = recorder.sequenced(site: "test-site", device: "fridge-1")
            #expect(stream.map(\.seq) == [1, 2, 3, 4, 5])
            #expect(stream.map(\.boot) == [1, 1, 1, 2, 2])
            #expect(fleet.stats["test-site", "fridge-1"]?.boot == 2)
            #expect(fleet.stats["test-site", "freezer-1"]?.boot == 1, "the other device kept its connection")
        }
    }

    @Test("dropped messages leave holes that a replay fills")
    func dropAndReplay() async throws {
        try await withFleet(quietThermoProfile, configure: { $0.faults.dropRate = 0.3 }) { fleet, recorder, _ in
            fleet.sendTelemetryNow(count: 60)
            let stats = try #require(fleet.stats["test-site", "fridge-1"])
            #expect(stats.lastSeq == 30)
            #expect(stats.dropped > 0 && stats.dropped < 30)
            #expect(await recorder.waitUntil { $0.sequenced(site: "test-site", device: "fridge-1").count == stats.published })
            try await Task.sleep(for: .milliseconds(200))
            let seen = Set(recorder.sequenced(site: "test-site", device: "fridge-1").map(\.seq))
            let holes = Set(Int64(1)...30).subtracting(seen)
            #expect(holes.count == stats.dropped)
            let firstHole = try #require(holes.min())

            try recorder.send(.replay(fromSeq: firstHole, boot: nil), site: "test-site", device: "fridge-1")
            #expect(await recorder.waitUntil { r in
                Set(r.sequenced(site: "test-site", device: "fridge-1").map(\.seq)) == Set(Int64(1)...30)
            })
            // What was seen live and its replay are the same bytes.
            let stream = recorder.sequenced(site: "test-site", device: "fridge-1")
            for seq in seen where seq >= firstHole {
                let copies = Set(stream.filter { $0.seq == seq }.map(\.payload))
                #expect(copies.count == 1, "seq \(seq) replayed differently")
            }
        }
    }

    @Test("malformed messages are sent besides the real ones and never take a seq")
    func malformed() async throws {
        try await withFleet(quietThermoProfile, configure: { $0.faults.malformedRate = 1 }) { fleet, recorder, _ in
            fleet.sendTelemetryNow(count: 20)
            #expect(await recorder.waitUntil { r in
                r.messages.filter { $0.topic.hasPrefix("bk/v1/test-site/fridge-1/") }.count >= 1 + 1 + 10 + 10
            })
            #expect(fleet.stats["test-site", "fridge-1"]?.malformedSent == 10)
            #expect(fleet.stats["test-site", "fridge-1"]?.lastSeq == 10)
            let valid = recorder.sequenced(site: "test-site", device: "fridge-1").filter { $0.json["t"] is Double }
            #expect(valid.map(\.seq) == Array(1...10))
        }
    }

    @Test("the disconnect fault keeps boots rising and seq unbroken")
    func disconnectFault() async throws {
        try await withFleet(busyProfile, configure: {
            $0.speed = 60
            $0.faults.disconnectEvery = .milliseconds(250)
        }) { fleet, recorder, _ in
            #expect(await recorder.waitUntil(timeout: .seconds(8)) { _ in fleet.stats.devices.contains { $0.boot >= 3 } })
            fleet.stop()
            for stats in fleet.stats.devices {
                // Every seq was recorded once: published live, or kept for replay while offline.
                #expect(stats.published + stats.unsent + stats.dropped == Int(stats.lastSeq), "\(stats.key)")
                let stream = recorder.sequenced(site: "busy-site", device: stats.key.device.rawValue)
                #expect(stream.map(\.seq) == stream.map(\.seq).sorted(), "\(stats.key) seq went backwards")
                #expect(Set(stream.map(\.seq)).count == stream.count, "\(stats.key) reused a seq")
                #expect(stream.map(\.boot) == stream.map(\.boot).sorted())
                // A boot's messages come after its birth: the birth's next_seq is how the gateway
                // learns what the reconnection cost (scripts/chaos lost messages to this race).
                var announced: Set<Int64> = []
                let prefix = "bk/v1/busy-site/\(stats.key.device.rawValue)/"
                for message in recorder.messages where message.topic.hasPrefix(prefix) {
                    guard let json = message.json, let boot = json["boot"] as? Int64 else { continue }
                    if message.topic == prefix + "birth" {
                        announced.insert(boot)
                    } else if json["seq"] != nil {
                        #expect(announced.contains(boot), "\(stats.key): seq \(json["seq"]!) of boot \(boot) before its birth")
                    }
                }
            }
        }
    }
}
