import Foundation
import MQTTClient
import Synchronization
import TestSupport
import Testing

/// Every test that talks to a broker lives under this suite, so they run one at a time:
/// on two cores, parallel brokers make the timing-based expectations flaky.
@Suite(.serialized) struct BrokerTests {}

/// Collects what a handler receives, for the test to wait on.
final class Inbox: Sendable {
    private let received = Mutex<[MQTTMessage]>([])

    func append(_ message: MQTTMessage) {
        received.withLock { $0.append(message) }
    }

    var messages: [MQTTMessage] { received.withLock { $0 } }

    func messages(on topic: String) -> [MQTTMessage] {
        messages.filter { $0.topic == topic }
    }

    /// Polls until `condition` holds for the messages so far, or the timeout passes.
    @discardableResult
    func wait(timeout: Duration = .seconds(5), until condition: ([MQTTMessage]) -> Bool) async -> Bool {
        await TestSupport.eventually(timeout: timeout, every: .milliseconds(10)) { () async in condition(messages) }
    }
}

/// Polls a condition outside any inbox: the shared async poll, with this suite's 5 s and 10 ms.
func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    await TestSupport.eventually(timeout: timeout, every: .milliseconds(10)) { () async in condition() }
}

func uniqueID(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8))"
}

func makeClient(_ broker: MosquittoBroker, id: String = uniqueID("c"), version: MQTTProtocolVersion = .v311,
                cleanSession: Bool = true, configure: (inout MQTTConfiguration) -> Void = { _ in }) throws -> MQTTClient {
    try makeClient(port: broker.port, id: id, version: version, cleanSession: cleanSession, configure: configure)
}

/// A client of any broker on loopback `port` (a cluster's proxy or one of its nodes).
func makeClient(port: Int, id: String = uniqueID("c"), version: MQTTProtocolVersion = .v311,
                cleanSession: Bool = true, configure: (inout MQTTConfiguration) -> Void = { _ in }) throws -> MQTTClient {
    var configuration = MQTTConfiguration(port: port, clientID: id, cleanSession: cleanSession,
                                          protocolVersion: version, reconnectDelayMin: 0, reconnectDelayMax: 1,
                                          sessionExpirySeconds: 60)
    configure(&configuration)
    return try MQTTClient(configuration: configuration)
}

/// Publishes throwaway QoS 0 messages on `topic` until the subscriber's inbox shows one: proof
/// that its SUBSCRIBE has reached the broker, which `isConnected` alone does not give.
func awaitSubscriptionActive(publisher: MQTTClient, inbox: Inbox, topic: String, attempts: Int = 100) async throws {
    for _ in 0..<attempts {
        if publisher.isConnected {
            try publisher.publish(topic: topic, payload: Array("sync".utf8), qos: 0, retain: false)
        }
        if await inbox.wait(timeout: .milliseconds(50), until: { $0.contains { $0.topic == topic } }) { return }
    }
    Issue.record("subscription to \(topic) never became active")
}

/// Waits until the broker has granted every filter `client` subscribed, on its current connection.
func awaitSubscriptionsGranted(_ client: MQTTClient, timeout: Duration = .seconds(30)) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let state = client.subscriptionsGranted
        if state.wanted > 0 && state.granted == state.wanted { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("subscriptions not granted within \(timeout): \(client.subscriptionsGranted)")
}

func temporaryDirectory(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "/\(uniqueID(name))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func payloadString(_ message: MQTTMessage) -> String {
    String(decoding: message.payload, as: UTF8.self)
}
