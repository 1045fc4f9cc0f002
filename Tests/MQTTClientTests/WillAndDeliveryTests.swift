import MQTTClient
import Synchronization
import Testing

extension BrokerTests {
    @Suite struct WillAndDelivery {
        /// Our client's Will, set through MQTTConfiguration, is published when its socket is
        /// closed under it (as a network failure would), and not when it stops cleanly.
        @Test(arguments: [MQTTProtocolVersion.v311, .v5])
        func willIsPublishedOnUncleanDropOnly(version: MQTTProtocolVersion) async throws {
            let broker = try MosquittoBroker.start()
            defer { broker.stop() }
            let id = uniqueID("device")
            let inbox = Inbox()
            let watcher = try makeClient(broker)
            defer { watcher.stop() }
            watcher.onMessage(inbox.append)
            try watcher.subscribe("will/#", qos: 1)
            try watcher.start()
            let device = try makeClient(broker, id: id, version: version) {
                $0.will = MQTTWill(topic: "will/\(id)", payload: Array("offline".utf8), qos: 1, retain: false)
            }
            defer { device.stop() }
            try await device.connect(timeout: .seconds(3))
            try await awaitSubscriptionActive(publisher: device, inbox: inbox, topic: "will/sync")

            device.dropConnection()

            #expect(await inbox.wait { $0.contains { $0.topic == "will/\(id)" } })
            #expect(inbox.messages(on: "will/\(id)").map(payloadString) == ["offline"])
            #expect(await eventually { device.connectionCount == 2 }, "reconnects by itself")

            device.stop()
            try await Task.sleep(for: .milliseconds(300))
            #expect(inbox.messages(on: "will/\(id)").count == 1, "a clean stop sends no Will")
        }

        /// Pins the delivery guarantee the gateway relies on: the PUBACK for a QoS 1 message
        /// leaves only after the handler returns. Here the connection dies inside the handler,
        /// so the broker never gets the PUBACK and redelivers to the persistent session.
        @Test(arguments: [MQTTProtocolVersion.v311, .v5])
        func messageIsRedeliveredWhenConnectionDiesInsideTheHandler(version: MQTTProtocolVersion) async throws {
            let broker = try MosquittoBroker.start()
            defer { broker.stop() }
            try await Self.expectRedeliveryWhenConnectionDiesInsideTheHandler(port: broker.port, version: version)
        }

        /// The test above against any broker on loopback `port` (ClusterBrokerTests runs it
        /// through the clustered broker's proxy).
        static func expectRedeliveryWhenConnectionDiesInsideTheHandler(
            port: Int, version: MQTTProtocolVersion, timeout: Duration = .seconds(5), connectTimeout: Duration = .seconds(3)
        ) async throws {
            let inbox = Inbox()
            let subscriber = try makeClient(port: port, version: version, cleanSession: false)
            defer { subscriber.stop() }
            let dropped = Atomic<Bool>(false)
            subscriber.onMessage { [weak subscriber] message in
                inbox.append(message)
                if message.topic == "dg/important", !dropped.exchange(true, ordering: .relaxed) {
                    subscriber?.dropConnection()
                }
            }
            try subscriber.subscribe("dg/#", qos: 1)
            let publisher = try makeClient(port: port, version: version)
            defer { publisher.stop() }
            try subscriber.start()
            try await publisher.connect(timeout: connectTimeout)
            // Granted, not only delivering: NATS delivers to a new subscription before its
            // consumers exist (and then skips the QoS 1 messages published meanwhile), and a
            // connection that dies before the SUBACK leaves the session without the subscription.
            try await awaitSubscriptionsGranted(subscriber)
            try await awaitSubscriptionActive(publisher: publisher, inbox: inbox, topic: "dg/sync", attempts: 300)

            try publisher.publish(topic: "dg/important", payload: Array("reading".utf8), qos: 1, retain: false)

            #expect(await inbox.wait(timeout: timeout) { $0.filter { $0.topic == "dg/important" }.count >= 2 })
            #expect(subscriber.connectionCount == 2)
        }
    }
}
