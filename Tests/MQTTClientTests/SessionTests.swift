import MQTTClient
import Testing

extension BrokerTests {
    /// A subscriber with a persistent session gets, when it comes back, the QoS 1 messages
    /// published while it was away.
    @Suite struct PersistentSession {
        @Test(arguments: [(MQTTProtocolVersion.v311, UInt32(0), true), (.v5, 60, true), (.v5, 0, false)])
        func queuedMessagesArriveAfterReconnect(version: MQTTProtocolVersion, expiry: UInt32, kept: Bool) async throws {
            let broker = try MosquittoBroker.start()
            defer { broker.stop() }
            let id = uniqueID("session")
            let publisher = try makeClient(broker, version: version)
            defer { publisher.stop() }
            try await publisher.connect(timeout: .seconds(3))

            let firstInbox = Inbox()
            let first = try makeClient(broker, id: id, version: version, cleanSession: false) { $0.sessionExpirySeconds = expiry }
            first.onMessage(firstInbox.append)
            try first.subscribe("ps/#", qos: 1)
            try first.start()
            try await awaitSubscriptionActive(publisher: publisher, inbox: firstInbox, topic: "ps/sync")
            first.stop()

            for index in 0..<20 {
                try publisher.publish(topic: "ps/reading", payload: Array("r\(index)".utf8), qos: 1, retain: false)
            }
            // A QoS 0 barrier behind the QoS 1 messages on the same connection: once the
            // broker has routed it, it has routed them.
            let probe = Inbox()
            let watcher = try makeClient(broker)
            defer { watcher.stop() }
            watcher.onMessage(probe.append)
            try watcher.subscribe("ps/#", qos: 1)
            try watcher.start()
            try await awaitSubscriptionActive(publisher: publisher, inbox: probe, topic: "ps/sync2")

            // Same id, no subscribe call: the session on the broker remembers the subscription.
            let secondInbox = Inbox()
            let second = try makeClient(broker, id: id, version: version, cleanSession: false) { $0.sessionExpirySeconds = expiry }
            defer { second.stop() }
            second.onMessage(secondInbox.append)
            try second.start()
            #expect(await second.waitUntilConnected(timeout: .seconds(3)))

            if kept {
                #expect(await secondInbox.wait { $0.filter { $0.topic == "ps/reading" }.count >= 20 })
                #expect(secondInbox.messages(on: "ps/reading").map(payloadString) == (0..<20).map { "r\($0)" })
            } else {
                try await Task.sleep(for: .milliseconds(500))
                #expect(secondInbox.messages(on: "ps/reading").isEmpty, "MQTT 5 with session expiry 0 keeps no session")
            }
        }
    }
}
