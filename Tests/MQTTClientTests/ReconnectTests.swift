import Foundation
import MQTTClient
import Testing

extension BrokerTests {
    @Suite struct Reconnect {
        /// The broker goes away (clean stop or crash) and comes back on the same port; clients
        /// reconnect on their own, re-subscribe, and traffic flows again.
        @Test(arguments: [(MQTTProtocolVersion.v311, false), (.v5, false), (.v311, true), (.v5, true)])
        func clientsComeBackAfterBrokerRestart(version: MQTTProtocolVersion, crash: Bool) async throws {
            let directory = temporaryDirectory("restart")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let broker = try MosquittoBroker.start(options: .init(dataDirectory: directory))
            defer { broker.stop() }
            let inbox = Inbox()
            let changes = Inbox()
            let subscriber = try makeClient(broker, version: version, cleanSession: false)
            defer { subscriber.stop() }
            subscriber.onMessage(inbox.append)
            subscriber.onConnectionChange { up in changes.append(MQTTMessage(topic: "\(up)", payload: [], qos: 0, retain: false)) }
            try subscriber.subscribe("rc/#", qos: 1)
            let publisher = try makeClient(broker, version: version)
            defer { publisher.stop() }
            try subscriber.start()
            try await publisher.connect(timeout: .seconds(3))
            try await awaitSubscriptionActive(publisher: publisher, inbox: inbox, topic: "rc/sync")

            if crash { broker.kill() }
            try broker.restart()

            #expect(await eventually { subscriber.connectionCount == 2 && publisher.connectionCount == 2 })
            // The count moves before the callback runs on the network thread: wait for the callback too.
            #expect(await eventually { changes.messages.count >= 3 })
            #expect(changes.messages.map(\.topic) == ["true", "false", "true"])
            try publisher.publish(topic: "rc/after", payload: [1], qos: 1, retain: false)
            #expect(await inbox.wait { $0.contains { $0.topic == "rc/after" } })
        }

        /// libmosquitto re-sends the MQTT 5 CONNECT properties on its own reconnects, so the
        /// session expiry still holds after an automatic reconnect (the broker would otherwise
        /// end the session at the next disconnect).
        @Test func mqtt5SessionExpirySurvivesAutomaticReconnect() async throws {
            let directory = temporaryDirectory("expiry")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let broker = try MosquittoBroker.start(options: .init(dataDirectory: directory))
            defer { broker.stop() }
            let id = uniqueID("v5session")
            let inbox = Inbox()
            let subscriber = try makeClient(broker, id: id, version: .v5, cleanSession: false)
            subscriber.onMessage(inbox.append)
            try subscriber.subscribe("ex/#", qos: 1)
            let publisher = try makeClient(broker, version: .v5)
            defer { publisher.stop() }
            try subscriber.start()
            try await publisher.connect(timeout: .seconds(3))
            try await awaitSubscriptionActive(publisher: publisher, inbox: inbox, topic: "ex/sync")

            try broker.restart()
            #expect(await eventually { subscriber.connectionCount == 2 && publisher.isConnected })
            subscriber.stop()
            try publisher.publish(topic: "ex/while-away", payload: [1], qos: 1, retain: false)

            let later = Inbox()
            let again = try makeClient(broker, id: id, version: .v5, cleanSession: false)
            defer { again.stop() }
            again.onMessage(later.append)
            try again.start()
            #expect(await later.wait { $0.contains { $0.topic == "ex/while-away" } })
        }
    }
}
