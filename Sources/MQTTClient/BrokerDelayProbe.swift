import Foundation
import Synchronization

/// Finds a broker that holds back small messages: mosquitto's default `set_tcp_nodelay false`
/// leaves Nagle's algorithm on its client sockets, and then a small packet written while the
/// previous one awaits its (delayed, up to 40 ms) TCP acknowledgement waits too. Every alarm after
/// the first of a burst arrives ~40 ms late.
///
/// The probe needs no second connection (which, on a broker binding client ids to accounts, would
/// take over the caller's session): over the caller's own client it publishes, after a pause,
/// three small QoS 1 messages 1 ms apart to a private topic it subscribes at QoS 0. The broker
/// answers each with a PUBACK and a PUBLISH the client does not acknowledge, so each written
/// packet waits for the previous one's TCP ACK: with Nagle the third arrives ~40 ms after it was
/// sent (measured with mosquitto 2.0.11 on loopback), without it ~2 ms.
public final class BrokerDelayProbe: Sendable {
    /// Above this median the broker is reported as delaying small messages.
    public static let threshold: Duration = .milliseconds(20)

    public let topic: String
    private let arrivals = Mutex<[Int: ContinuousClock.Instant]>([:])

    public init(topic: String) {
        self.topic = topic
    }

    /// For the client's message handler: true (and recorded) when the message is the probe's.
    public func receive(_ message: MQTTMessage) -> Bool {
        guard message.topic == topic else { return false }
        let now = ContinuousClock.now
        if let index = Int(String(decoding: message.payload, as: UTF8.self)) {
            arrivals.withLock { $0[index] = now }
        }
        return true
    }

    /// The median, over `rounds` bursts, of how long each burst's last message took to come back;
    /// nil when the messages do not come back at all (an ACL refusing the topic, say).
    public func measure(on client: MQTTClient, rounds: Int = 5) async throws -> Duration? {
        try client.subscribe(topic, qos: 0)
        defer { try? client.unsubscribe(topic) }
        try await Task.sleep(for: .milliseconds(200))  // the SUBSCRIBE takes effect
        var delays: [Duration] = []
        for round in 0..<rounds {
            try await Task.sleep(for: .milliseconds(60))  // let earlier packets be acknowledged
            var lastSent = ContinuousClock.now
            for part in 0..<3 {
                if part > 0 { try await Task.sleep(for: .milliseconds(1)) }
                lastSent = ContinuousClock.now
                _ = try client.publish(topic: topic, payload: Array(String(round * 3 + part).utf8), qos: 1)
            }
            let last = round * 3 + 2
            let deadline = ContinuousClock.now + .seconds(1)
            var arrived: ContinuousClock.Instant?
            while arrived == nil, ContinuousClock.now < deadline {
                arrived = arrivals.withLock { $0[last] }
                if arrived == nil { try await Task.sleep(for: .milliseconds(1)) }
            }
            guard let arrived else { continue }
            delays.append(lastSent.duration(to: arrived))
        }
        guard !delays.isEmpty else { return nil }
        return delays.sorted()[delays.count / 2]
    }

    /// The operator-facing verdict for a measured median.
    public static func delaysSmallMessages(median: Duration) -> Bool { median > threshold }
}
