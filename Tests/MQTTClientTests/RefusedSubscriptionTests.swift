import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MQTTClient
import Synchronization
import Testing

extension BrokerTests {
    /// A SUBACK refusing a filter (0x80) for a while: NATS does so while it cannot create the
    /// JetStream consumer behind the subscription (a leader election after a node died, or too much
    /// load), and the cluster chaos run lost every later message of the sites whose shard
    /// subscription had been refused once. mosquitto 2.0 grants even an ACL-denied filter, so the
    /// broker here is a scripted MQTT 3.1.1 peer on loopback that refuses the first SUBSCRIBEs;
    /// the client is the real libmosquitto one.
    @Suite struct RefusedSubscription {
        @Test func aRefusedSubscriptionIsSentAgainUntilGranted() async throws {
            let broker = try RefusingBroker(refusals: 2, topic: "bk/v1/site-1/fridge-1/telemetry")
            defer { broker.stop() }
            let inbox = Inbox()
            let client = try makeClient(port: broker.port)
            defer { client.stop() }
            client.onMessage { inbox.append($0) }
            try client.subscribe("bk/v1/site-1/#", qos: 1)
            #expect(client.subscriptionsGranted == (0, 1), "not connected: nothing granted")
            try await client.connect(timeout: .seconds(5))
            #expect(client.subscriptionsGranted.granted == 0, "the first SUBSCRIBE is refused")

            let received = await inbox.wait(timeout: .seconds(15)) { !$0.isEmpty }
            #expect(client.subscriptionsGranted == (1, 1), "granted on the third SUBSCRIBE")
            #expect(received, "the filter was never granted: SUBSCRIBEs seen \(broker.subscribes)")
            #expect(broker.subscribes == ["bk/v1/site-1/#", "bk/v1/site-1/#", "bk/v1/site-1/#"],
                    "refused twice, granted on the third SUBSCRIBE, then no more")
            #expect(inbox.messages.first?.topic == "bk/v1/site-1/fridge-1/telemetry")
        }
    }
}

/// One client at a time: CONNACK accepted, the first `refusals` SUBSCRIBEs answered 0x80, later ones
/// granted QoS 1 and followed by one QoS 0 PUBLISH on `topic`; PINGREQ answered.
private final class RefusingBroker: Sendable {
    let port: Int
    private let listener: Int32
    private let state: Mutex<(refusalsLeft: Int, subscribes: [String], connection: Int32?)>
    private let topic: String

    init(refusals: Int, topic: String) throws {
        self.topic = topic
        state = Mutex((refusals, [], nil))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard fd >= 0, bound else {
            close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    var subscribes: [String] { state.withLock { $0.subscribes } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        if let connection = state.withLock({ $0.connection }) { shutdown(connection, Int32(SHUT_RDWR)) }
    }

    private func serve() {
        defer { close(listener) }
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            state.withLock { $0.connection = connection }
            while let (type, body) = readPacket(connection) {
                switch type >> 4 {
                case 1: send(connection, [0x20, 0x02, 0x00, 0x00])  // CONNECT → CONNACK accepted
                case 8: subscribe(connection, body)
                case 12: send(connection, [0xD0, 0x00])  // PINGREQ → PINGRESP
                case 14: break  // DISCONNECT
                default: continue
                }
            }
            close(connection)
        }
    }

    private func subscribe(_ connection: Int32, _ body: [UInt8]) {
        guard body.count >= 5 else { return }
        let length = Int(body[2]) << 8 | Int(body[3])
        let filter = String(decoding: body[4..<min(body.count, 4 + length)], as: UTF8.self)
        let refuse = state.withLock { state -> Bool in
            state.subscribes.append(filter)
            defer { state.refusalsLeft -= 1 }
            return state.refusalsLeft > 0
        }
        send(connection, [0x90, 0x03, body[0], body[1], refuse ? 0x80 : 0x01])
        guard !refuse else { return }
        let name = Array(topic.utf8)
        let payload = Array("{\"seq\":1}".utf8)
        send(connection, [0x30, UInt8(2 + name.count + payload.count), 0x00, UInt8(name.count)] + name + payload)
    }

    private func readPacket(_ connection: Int32) -> (UInt8, [UInt8])? {
        guard let header = read(connection, 1)?.first else { return nil }
        var length = 0, shift = 0
        while true {
            guard let byte = read(connection, 1)?.first else { return nil }
            length |= Int(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 { break }
        }
        guard let body = length == 0 ? [] : read(connection, length) else { return nil }
        return (header, body)
    }

    private func read(_ connection: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress! + got, count - got, 0) }
            if n <= 0 { return nil }
            got += n
        }
        return buffer
    }

    private func send(_ connection: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(connection, $0.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
    }
}
