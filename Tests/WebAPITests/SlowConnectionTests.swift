import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
import Testing
@testable import WebAPI

/// Connections that never finish, over raw loopback sockets against the gateway's real
/// pipeline: a silent connection and a request head sent a line at a time are closed at their
/// deadline, normal requests are still served, and one address cannot hold more than its cap.
/// Deadlines are shortened so the test takes seconds. The sockets block, so each probe runs on
/// a thread of its own, never on the (two-thread) concurrency pool the server's handlers need.
@Suite(.serialized) struct SlowConnectionTests {
    /// The live test client holds one connection of its own from 127.0.0.1 (opened at start).
    private func serve(_ limits: ConnectionLimits, _ body: @Sendable (Int, any TestClientProtocol) async throws -> Void)
        async throws
    {
        let fixture = try WebFixture()
        let app = try buildApplication(fixture.dependencies, lookup: PublicLookup(fixture.dependencies), host: "127.0.0.1",
                                       port: 0, limits: limits, services: [], logger: Logger(label: "test"))
        try await app.test(.live) { client in try await body(try #require(client.port), client) }
    }

    /// Runs blocking socket work on its own thread.
    private static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// Sends without SIGPIPE (the server may have closed); false when the connection is gone.
    private static func transmit(_ fd: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// One read: the text, "" when the peer closed, nil on timeout.
    private static func receive(_ fd: Int32) -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 { return String(decoding: chunk[0..<n], as: UTF8.self) }
        return n == 0 || errno == ECONNRESET ? "" : nil
    }

    /// Reads until the peer closes: how long that took and what came first, or nil if the
    /// socket's receive timeout passed first.
    private static func secondsUntilClosed(_ fd: Int32) -> (seconds: Double, bytes: String)? {
        let start = Date()
        var received = ""
        while let text = receive(fd) {
            if text.isEmpty { return (Date().timeIntervalSince(start), received) }
            received += text
        }
        return nil
    }

    private static let request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"

    @Test func aSilentConnectionIsClosedAtTheIdleDeadline() async throws {
        try await serve(ConnectionLimits(idleTimeout: .seconds(1), headTimeout: .seconds(5), maxPerAddress: 64)) { port, _ in
            let closed = try await Self.onThread { () -> (seconds: Double, bytes: String)? in
                guard let fd = loopbackSocket(port: port, timeoutSeconds: 8) else { return nil }
                defer { close(fd) }
                return Self.secondsUntilClosed(fd)
            }
            let after = try #require(closed, "a silent connection stayed open for 8 s")
            #expect(after.seconds >= 0.8 && after.seconds < 5, "\(after.seconds) s")
            #expect(after.bytes.isEmpty)
        }
    }

    @Test func aRequestHeadTrickledALineAtATimeIsClosedAtTheHeadDeadline() async throws {
        try await serve(ConnectionLimits(idleTimeout: .seconds(30), headTimeout: .seconds(1), maxPerAddress: 64)) { port, client in
            let closedAfter = try await Self.onThread { () -> Double? in
                guard let fd = loopbackSocket(port: port, timeoutSeconds: 1) else { return nil }
                defer { close(fd) }
                let start = Date()
                // A header line every 300 ms, never the blank line that ends the head (slowloris).
                var lines = ["GET /healthz HTTP/1.1\r\n", "Host: x\r\n"]
                while Date().timeIntervalSince(start) < 8 {
                    let line = lines.isEmpty ? "X-Slow: \(Int(Date().timeIntervalSince(start) * 1000))\r\n" : lines.removeFirst()
                    var byte: UInt8 = 0
                    let n = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
                    let closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                    if closed || !Self.transmit(fd, line) { return Date().timeIntervalSince(start) }
                    Thread.sleep(forTimeInterval: 0.3)
                }
                return nil
            }
            let after = try #require(closedAfter, "a trickled head kept the connection open for 8 s")
            #expect(after >= 0.8 && after < 5, "\(after) s")
            // A request that arrives whole is served as ever.
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func requestsAreServedAndAKeptAliveConnectionClosesWhenIdle() async throws {
        try await serve(ConnectionLimits(idleTimeout: .seconds(2), headTimeout: .seconds(2), maxPerAddress: 64)) { port, _ in
            let (answers, closed) = try await Self.onThread { () -> ([String], (seconds: Double, bytes: String)?) in
                guard let fd = loopbackSocket(port: port, timeoutSeconds: 8) else { return ([], nil) }
                defer { close(fd) }
                // Several requests on one connection with pauses shorter than the idle deadline.
                var answers: [String] = []
                for _ in 0..<3 {
                    answers.append(Self.transmit(fd, Self.request) ? Self.receive(fd) ?? "timeout" : "send failed")
                    Thread.sleep(forTimeInterval: 0.3)
                }
                // Then nothing: closed at the idle deadline after the last answer.
                return (answers, Self.secondsUntilClosed(fd))
            }
            #expect(answers.count == 3 && answers.allSatisfy { $0.hasPrefix("HTTP/1.1 200") }, "\(answers)")
            let idle = try #require(closed, "an idle kept-alive connection stayed open")
            #expect(idle.bytes.isEmpty)
            #expect(idle.seconds >= 1.2, "closed by the idle deadline, not at once: \(idle.seconds) s")
        }
    }

    @Test func oneAddressCannotHoldMoreConnectionsThanItsCap() async throws {
        try await serve(ConnectionLimits(idleTimeout: .seconds(20), headTimeout: .seconds(20), maxPerAddress: 4)) { port, client in
            // The test client's connection is the first of four; three raw ones make the rest.
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            let outcome = try await Self.onThread { () -> (refused: (seconds: Double, bytes: String)?, held: String?, freed: String?) in
                var held = (0..<3).compactMap { _ in loopbackSocket(port: port, timeoutSeconds: 8) }
                defer { held.forEach { close($0) } }
                guard held.count == 3 else { return (nil, nil, nil) }
                Thread.sleep(forTimeInterval: 0.2)
                // The fifth is accepted by the kernel and closed by the gateway at once.
                guard let excess = loopbackSocket(port: port, timeoutSeconds: 3) else { return (nil, nil, nil) }
                _ = Self.transmit(excess, Self.request)
                let refused = Self.secondsUntilClosed(excess)
                close(excess)
                // The held ones still work, and when one closes its place is free again.
                let answer = Self.transmit(held[0], Self.request) ? Self.receive(held[0]) : nil
                close(held.removeLast())
                Thread.sleep(forTimeInterval: 0.3)
                guard let again = loopbackSocket(port: port, timeoutSeconds: 8) else { return (refused, answer, nil) }
                defer { close(again) }
                return (refused, answer, Self.transmit(again, Self.request) ? Self.receive(again) : nil)
            }
            let refused = try #require(outcome.refused, "the fifth connection was kept")
            #expect(!refused.bytes.hasPrefix("HTTP/1.1 200") && refused.seconds < 2, "\(refused)")
            #expect(outcome.held?.hasPrefix("HTTP/1.1 200") == true, "\(outcome.held ?? "nil")")
            #expect(outcome.freed?.hasPrefix("HTTP/1.1 200") == true, "\(outcome.freed ?? "nil")")
        }
    }
}
