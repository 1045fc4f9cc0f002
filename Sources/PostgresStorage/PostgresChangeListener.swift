import Foundation
import Logging
import PostgresNIO
import Synchronization

/// LISTEN on a connection of its own (outside the pool: a pooled connection would be lent to other
/// statements and lose its LISTEN when dropped), handing each NOTIFY to `onNotification`. When the
/// connection is lost it reconnects (every second until it works) and calls `onListening` once it
/// listens again, since notifications sent meanwhile are gone: callers forget what they cached.
/// Blocking: `run` is for a thread of its own; `stop` ends it.
public final class PostgresChangeListener: Sendable {
    let database: PostgresDatabase
    let channels: [String]
    let logger: Logger
    let onNotification: @Sendable (_ channel: String, _ payload: String) -> Void
    let onListening: @Sendable () -> Void
    private let stopped = Atomic<Bool>(false)
    private let listening = Atomic<Bool>(false)
    private let current = Mutex<PostgresConnection?>(nil)

    /// `channels`: plain identifiers (they are written into `LISTEN` as they are).
    public init(database: PostgresDatabase, channels: [String], logger: Logger,
                onNotification: @escaping @Sendable (_ channel: String, _ payload: String) -> Void,
                onListening: @escaping @Sendable () -> Void = {}) {
        precondition(channels.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 == 0x5F || (0x61...0x7A).contains($0) } },
                     "channel names are lower-case identifiers")
        self.database = database
        self.channels = channels
        self.logger = logger
        self.onNotification = onNotification
        self.onListening = onListening
    }

    /// Whether the LISTEN is in place now.
    public var isListening: Bool { listening.load(ordering: .acquiring) }

    public func stop() {
        stopped.store(true, ordering: .releasing)
        if let connection = current.withLock({ $0 }) { BoundedWait.close(connection.close()) }
    }

    /// Listens until `stop`: connects, LISTENs, then checks the connection every `probe`
    /// (a `SELECT 1`, so a connection dropped silently is noticed).
    public func run(probe: Duration = .seconds(5)) {
        var failures = 0
        while !stopped.load(ordering: .acquiring) {
            do {
                let connection = try database.connect(id: Int.random(in: 1_000_000...9_999_999))
                current.withLock { $0 = connection }
                let handler = onNotification
                for channel in channels {
                    connection.addListener(channel: channel) { _, message in handler(message.channel, message.payload) }
                }
                let session = PostgresSession(connection: connection, logger: logger, timeout: .seconds(10))
                for channel in channels { try session.execute("LISTEN \(channel)") }
                listening.store(true, ordering: .releasing)
                if failures > 0 { logger.notice("listening for database changes again", metadata: ["channels": "\(channels)"]) }
                failures = 0
                onListening()
                var last = ContinuousClock.now
                while !stopped.load(ordering: .acquiring) && !connection.isClosed {
                    Thread.sleep(forTimeInterval: 0.1)
                    if last.duration(to: .now) >= probe {
                        try session.execute("SELECT 1")
                        last = .now
                    }
                }
                if !connection.isClosed { BoundedWait.close(connection.close()) }
            } catch {
                if failures == 0 && !stopped.load(ordering: .acquiring) {
                    logger.error("cannot listen for database changes; retrying every second", metadata: ["error": "\(error)"])
                }
                failures += 1
            }
            listening.store(false, ordering: .releasing)
            current.withLock { $0 = nil }
            if !stopped.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 1) }
        }
    }
}
