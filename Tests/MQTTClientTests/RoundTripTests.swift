import MQTTClient
import Testing

extension BrokerTests {
    @Suite struct RoundTrip {
        @Test(arguments: [(MQTTProtocolVersion.v311, 0), (.v311, 1), (.v5, 0), (.v5, 1)])
        func publishedMessagesArriveInOrder(version: MQTTProtocolVersion, qos: Int) async throws {
            let broker = try MosquittoBroker.start()
            defer { broker.stop() }
            let inbox = Inbox()
            let subscriber = try makeClient(broker, version: version)
            defer { subscriber.stop() }
            subscriber.onMessage(inbox.append)
            try subscriber.subscribe("rt/#", qos: 1)
            let publisher = try makeClient(broker, version: version)
            defer { publisher.stop() }
            try subscriber.start()
            try await publisher.connect(timeout: .seconds(3))
            try await awaitSubscriptionActive(publisher: publisher, inbox: inbox, topic: "rt/sync")

            for index in 0..<50 {
                try publisher.publish(topic: "rt/data", payload: Array("m\(index)".utf8), qos: qos, retain: false)
            }

            #expect(await inbox.wait { $0.filter { $0.topic == "rt/data" }.count >= 50 })
            let data = inbox.messages(on: "rt/data")
            #expect(data.map(payloadString) == (0..<50).map { "m\($0)" })
            #expect(data.allSatisfy { $0.qos == qos && !$0.retain })
        }

        @Test func retainedMessageReachesALateSubscriber() async throws {
            let broker = try MosquittoBroker.start()
            defer { broker.stop() }
            let publisher = try makeClient(broker)
            defer { publisher.stop() }
            try await publisher.connect(timeout: .seconds(3))
            try publisher.publish(topic: "rt/state", payload: Array("on".utf8), qos: 1, retain: true)

            let inbox = Inbox()
            let subscriber = try makeClient(broker, version: .v5)
            defer { subscriber.stop() }
            subscriber.onMessage(inbox.append)
            try subscriber.subscribe("rt/state", qos: 1)
            try subscriber.start()

            #expect(await inbox.wait { !$0.isEmpty })
            #expect(inbox.messages.first.map { $0.retain && payloadString($0) == "on" } == true)
        }

        @Test func qos1PublishedBeforeConnectingIsSentOnceConnected() async throws {
            let broker = try MosquittoBroker.start()
            defer { broker.stop() }
            let inbox = Inbox()
            let subscriber = try makeClient(broker)
            defer { subscriber.stop() }
            subscriber.onMessage(inbox.append)
            try subscriber.subscribe("early/#", qos: 1)
            let publisher = try makeClient(broker)
            defer { publisher.stop() }
            try await subscriber.connect(timeout: .seconds(3))
            try await awaitSubscriptionActive(publisher: subscriber, inbox: inbox, topic: "early/sync")

            try publisher.publish(topic: "early/queued", payload: [7], qos: 1, retain: false)
            try publisher.start()

            #expect(await inbox.wait { $0.contains { $0.topic == "early/queued" } })
        }
    }
}
