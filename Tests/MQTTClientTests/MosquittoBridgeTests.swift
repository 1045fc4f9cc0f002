import Foundation
import MQTTClient
import Testing
import TestSupport

extension BrokerTests {
    /// docs/broker/mosquitto-bridge-city.conf, as shipped (only its address replaced), in a real
    /// city mosquitto bridged to a real province mosquitto.
    @Suite struct MosquittoBridge {
        static let example = repositoryRoot().appendingPathComponent("docs/broker/mosquitto-bridge-city.conf").path

        /// The city broker: a mosquitto with a loopback listener and the example's bridge to `provincePort`.
        static func startCityBroker(provincePort: Int, directory: String) throws -> (ChildProcess, Int) {
            let text = try String(contentsOfFile: example, encoding: .utf8)
            let placeholder = "address province-broker.example:1883"
            #expect(text.contains(placeholder), "the example names the province's address")
            let port = freePort()
            let config = ["listener \(port) 127.0.0.1", "allow_anonymous true",
                          "persistence_location \(directory)/", "log_dest file \(directory)/city.log"]
                + (geteuid() == 0 ? ["user root"] : [])
                + [text.replacingOccurrences(of: placeholder, with: "address 127.0.0.1:\(provincePort)")]
            let file = directory + "/city.conf"
            try config.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let city = try ChildProcess(executable: "/usr/sbin/mosquitto", arguments: ["-c", file],
                                        workingDirectory: directory, logDirectory: directory)
            guard TestSupport.eventually(timeout: .seconds(5), { loopbackSocket(port: port, timeoutSeconds: 1).map { close($0); return true } ?? false }) else {
                throw ClusterError("city mosquitto did not listen: \(city.stderr)")
            }
            return (city, port)
        }

        @Test func cityRegulatorFeedsReachTheProvinceAndNothingElseDoes() async throws {
            let directory = temporaryDirectory("bridge")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let province = try MosquittoBroker.start()
            defer { province.stop() }
            let (city, cityPort) = try Self.startCityBroker(provincePort: province.port, directory: directory)
            defer { city.terminate() }

            // A province regulator, subscribed as docs/alarms.md tells a province to.
            let regulator = Inbox()
            let watcher = try makeClient(province)
            defer { watcher.stop() }
            watcher.onMessage(regulator.append)
            try watcher.subscribe("bk/v1/_regulator/42/#", qos: 1)
            try watcher.subscribe("bk/v1/+/+/telemetry", qos: 1)
            try watcher.subscribe("brightkitchen/bridge/#", qos: 1)
            try watcher.start()
            #expect(await watcher.waitUntilConnected(timeout: .seconds(3)))

            // A city gateway publishes on its own broker; the bridge connects on its own time.
            let gateway = try makeClient(port: cityPort)
            defer { gateway.stop() }
            try await gateway.connect(timeout: .seconds(3))
            try await awaitSubscriptionActive(publisher: gateway, inbox: regulator,
                                              topic: "bk/v1/_regulator/42/4201/420100/alarms", attempts: 200)

            let alarm = #"{"event":"raised","alarm_id":"a-1","site":"s-420106-1"}"#
            try gateway.publish(topic: "bk/v1/s-420106-1/thermo-1/telemetry", payload: Array(#"{"seq":1,"t":3}"#.utf8), qos: 1)
            try gateway.publish(topic: "bk/v1/_regulator/42/4202/420202/alarms", payload: Array("other city".utf8), qos: 1)
            try gateway.publish(topic: "bk/v1/_regulator/42/4201/420106/alarms", payload: Array(alarm.utf8), qos: 1)

            #expect(await regulator.wait { !$0.filter { $0.topic == "bk/v1/_regulator/42/4201/420106/alarms" }.isEmpty })
            let carried = regulator.messages(on: "bk/v1/_regulator/42/4201/420106/alarms")
            #expect(carried.map(payloadString) == [alarm])
            #expect(carried.first?.qos == 1)
            // Published before the alarm on the same connection: had the bridge carried them,
            // they would have arrived first.
            #expect(regulator.messages.allSatisfy { !$0.topic.contains("/4202/") && !$0.topic.hasSuffix("/telemetry") })
            #expect(regulator.messages(on: "brightkitchen/bridge/4201/state").last.map(payloadString) == "1",
                    "the link's state, retained at the province")
        }

        /// While the province is unreachable the city queues its alarms; the bridge delivers them
        /// once it is back (clean session off on both sides).
        @Test func alarmsPublishedWhileTheProvinceIsDownArriveWhenItIsBack() async throws {
            let directory = temporaryDirectory("bridge-down")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var options = MosquittoBroker.Options()
            options.dataDirectory = directory + "/province"
            let province = try MosquittoBroker.start(options: options)
            defer { province.stop() }
            let (city, cityPort) = try Self.startCityBroker(provincePort: province.port, directory: directory)
            defer { city.terminate() }

            let regulator = Inbox()
            let watcher = try makeClient(province, id: uniqueID("regulator"), cleanSession: false)
            defer { watcher.stop() }
            watcher.onMessage(regulator.append)
            try watcher.subscribe("bk/v1/_regulator/42/#", qos: 1)
            try watcher.start()
            let gateway = try makeClient(port: cityPort)
            defer { gateway.stop() }
            try await gateway.connect(timeout: .seconds(3))
            try await awaitSubscriptionActive(publisher: gateway, inbox: regulator,
                                              topic: "bk/v1/_regulator/42/4201/420100/alarms", attempts: 200)

            province.stop()  // its data directory stays: the regulator's session comes back with it
            let alarms = (1...5).map { #"{"event":"raised","alarm_id":"down-\#($0)"}"# }
            for alarm in alarms {
                try gateway.publish(topic: "bk/v1/_regulator/42/4201/420106/alarms", payload: Array(alarm.utf8), qos: 1)
            }
            try await Task.sleep(for: .milliseconds(500))
            try province.launch()

            // The bridge retries with a growing wait (restart_timeout 2 30).
            #expect(await regulator.wait(timeout: .seconds(45)) { $0.filter { $0.topic.hasSuffix("/420106/alarms") }.count >= 5 })
            #expect(regulator.messages(on: "bk/v1/_regulator/42/4201/420106/alarms").map(payloadString) == alarms)
            #expect(city.isRunning)
        }
    }
}
