import Foundation
import MQTTClient
import Synchronization
import Testing

extension BrokerTests {
    @Suite struct Concurrency {
        @Test func publishFromManyThreadsDeliversEveryMessage() async throws {
            let broker = try MosquittoBroker.start()
            defer { broker.stop() }
            let inbox = Inbox()
            let subscriber = try makeClient(broker)
            defer { subscriber.stop() }
            subscriber.onMessage(inbox.append)
            try subscriber.subscribe("cc/#", qos: 1)
            let publisher = try makeClient(broker)
            defer { publisher.stop() }
            try subscriber.start()
            try await publisher.connect(timeout: .seconds(3))
            try await awaitSubscriptionActive(publisher: publisher, inbox: inbox, topic: "cc/sync")

            let threads = 8, perThread = 1000
            let failures = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                for index in 0..<perThread {
                    do {
                        try publisher.publish(topic: "cc/t\(thread)", payload: Array("\(thread)-\(index)".utf8), qos: 1, retain: false)
                    } catch {
                        failures.add(1, ordering: .relaxed)
                    }
                }
            }

            #expect(failures.load(ordering: .relaxed) == 0)
            #expect(await inbox.wait(timeout: .seconds(10)) { $0.count - $0.filter { $0.topic == "cc/sync" }.count >= threads * perThread })
            let data = inbox.messages.filter { $0.topic != "cc/sync" }
            #expect(Set(data.map(payloadString)).count == threads * perThread)
            // Per publishing thread, order is kept.
            for thread in 0..<threads {
                let sequence = data.filter { $0.topic == "cc/t\(thread)" }.map(payloadString)
                #expect(sequence == (0..<perThread).map { "\(thread)-\($0)" })
            }
        }

        /// A slow handler holds up the network thread but loses nothing, and a handler may
        /// publish (a reply) from the network thread without deadlocking.
        @Test func slowHandlerThatRepliesLosesNothing() async throws {
            let broker = try MosquittoBroker.start()
            defer { broker.stop() }
            let device = try makeClient(broker)
            defer { device.stop() }
            device.onMessage { [weak device] message in
                usleep(20_000)
                _ = try? device?.publish(topic: "reply/" + message.topic, payload: message.payload, qos: 1, retain: false)
            }
            try device.subscribe("cmd/#", qos: 1)
            let replies = Inbox()
            let gateway = try makeClient(broker)
            defer { gateway.stop() }
            gateway.onMessage(replies.append)
            try gateway.subscribe("reply/#", qos: 1)
            try device.start()
            try await gateway.connect(timeout: .seconds(3))
            try await awaitSubscriptionActive(publisher: gateway, inbox: replies, topic: "reply/cmd/sync")

            for index in 0..<40 {
                try gateway.publish(topic: "cmd/x", payload: Array("\(index)".utf8), qos: 1, retain: false)
            }

            #expect(await replies.wait { $0.filter { $0.topic == "reply/cmd/x" }.count >= 40 })
            #expect(replies.messages(on: "reply/cmd/x").map(payloadString) == (0..<40).map { "\($0)" })
            #expect(device.isConnected && device.connectionCount == 1)
        }
    }
}
