import Foundation
import MQTTClient
import Testing
import TestSupport

extension BrokerTests {
    /// The embedded broker's TLS listener, with a certificate from a CA made for the test.
    @Suite struct TLSListener {
        /// A broker whose second listener speaks TLS with a certificate signed by `ca`.
        static func broker(_ ca: ThrowawayCA) throws -> MosquittoBroker {
            let listener = MosquittoBroker.TLSListener(host: "127.0.0.1", port: try MosquittoBroker.freeLoopbackPort(),
                                                       certificateFile: ca.serverCertificate, keyFile: ca.serverKey)
            return try MosquittoBroker.start(options: .init(tlsListener: listener))
        }

        static func tlsClient(_ broker: MosquittoBroker, trusting caFile: String) throws -> MQTTClient {
            try makeClient(broker) {
                $0.port = broker.options.tlsListener!.port
                $0.tls = MQTTTLS(caFile: caFile)
            }
        }

        @Test func aClientTrustingTheCAPublishesAndReceivesOverTLS() async throws {
            let directory = TemporaryDirectory("bk-tls")
            let ca = try ThrowawayCA(in: directory.path)
            let broker = try Self.broker(ca)
            defer { broker.stop() }
            #expect(broker.tlsURL == "mqtts://127.0.0.1:\(broker.options.tlsListener!.port)")

            let inbox = Inbox()
            let subscriber = try Self.tlsClient(broker, trusting: ca.caCertificate)
            defer { subscriber.stop() }
            subscriber.onMessage(inbox.append)
            try subscriber.subscribe("tls/#", qos: 1)
            try subscriber.start()
            let publisher = try Self.tlsClient(broker, trusting: ca.caCertificate)
            defer { publisher.stop() }
            try await publisher.connect(timeout: .seconds(5))
            try await awaitSubscriptionActive(publisher: publisher, inbox: inbox, topic: "tls/sync")

            try publisher.publish(topic: "tls/data", payload: Array("over TLS".utf8), qos: 1, retain: false)
            #expect(await inbox.wait { !$0.filter { $0.topic == "tls/data" }.isEmpty })
            #expect(inbox.messages(on: "tls/data").map(payloadString) == ["over TLS"])

            // The plain loopback listener, the gateway's own, still works beside it.
            let local = try makeClient(broker)
            defer { local.stop() }
            try await local.connect(timeout: .seconds(3))
            #expect(local.isConnected)
        }

        @Test func aClientTrustingAnotherCAIsRefused() async throws {
            let directory = TemporaryDirectory("bk-tls")
            let ca = try ThrowawayCA(in: directory.path, name: "site")
            let stranger = try ThrowawayCA(in: directory.path, name: "stranger")
            let broker = try Self.broker(ca)
            defer { broker.stop() }

            let client = try Self.tlsClient(broker, trusting: stranger.caCertificate)
            defer { client.stop() }
            await #expect(throws: MQTTError.self) { try await client.connect(timeout: .seconds(3)) }
            #expect(!client.isConnected)
        }

        @Test func plainMQTTCannotTalkToTheTLSPort() async throws {
            let directory = TemporaryDirectory("bk-tls")
            let ca = try ThrowawayCA(in: directory.path)
            let broker = try Self.broker(ca)
            defer { broker.stop() }

            let client = try makeClient(broker) { $0.port = broker.options.tlsListener!.port }
            defer { client.stop() }
            await #expect(throws: MQTTError.self) { try await client.connect(timeout: .seconds(3)) }
            #expect(!client.isConnected)
        }

        @Test func aMissingCertificateIsNamedBeforeMosquittoStarts() throws {
            let listener = MosquittoBroker.TLSListener(port: try MosquittoBroker.freeLoopbackPort(),
                                                       certificateFile: "/nonexistent/server.pem", keyFile: "/nonexistent/server.key")
            let error = #expect(throws: MosquittoBrokerError.self) {
                try MosquittoBroker.start(options: .init(tlsListener: listener))
            }
            #expect(error?.description.contains("/nonexistent/server.pem") == true)
        }

        @Test func aKeyThatDoesNotMatchTheCertificateFailsTheStart() throws {
            let directory = TemporaryDirectory("bk-tls")
            let ca = try ThrowawayCA(in: directory.path, name: "one")
            let other = try ThrowawayCA(in: directory.path, name: "two")
            let listener = MosquittoBroker.TLSListener(host: "127.0.0.1", port: try MosquittoBroker.freeLoopbackPort(),
                                                       certificateFile: ca.serverCertificate, keyFile: other.serverKey)
            #expect(throws: MosquittoBrokerError.self) {
                try MosquittoBroker.start(options: .init(tlsListener: listener))
            }
        }
    }
}
