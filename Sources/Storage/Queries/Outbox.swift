import Foundation
import GRDB
import KitchenModel
import StorageModel

extension Store {
    /// Queues `body` for every target in one transaction.
    public func enqueueOutbox(targets: [String], body: [UInt8], now: EpochMillis) throws {
        guard !targets.isEmpty else { return }
        try pool.write { db in try Self.enqueueOutbox(targets: targets, body: body, now: now, in: db) }
    }

    static func enqueueOutbox(targets: [String], body: [UInt8], now: EpochMillis, in db: Database) throws {
        for target in targets {
            try db.execute(sql: """
                INSERT INTO outbox (target, body, created_ms, next_attempt_ms) VALUES (?, ?, ?, ?)
                """, arguments: [target, Data(body), now, now])
        }
    }

    /// Messages whose next attempt is due, oldest first; only `target`'s when one is given.
    public func dueOutbox(now: EpochMillis, limit: Int = 100, target: String? = nil) throws -> [OutboxMessage] {
        try pool.read { db in
            if let target {
                return try Row.fetchAll(db, sql: """
                    SELECT * FROM outbox WHERE next_attempt_ms <= ? AND target = ? ORDER BY id LIMIT ?
                    """, arguments: [now, target, limit]).map(Self.outboxMessage)
            }
            return try Row.fetchAll(db, sql: """
                SELECT * FROM outbox WHERE next_attempt_ms <= ? ORDER BY id LIMIT ?
                """, arguments: [now, limit]).map(Self.outboxMessage)
        }
    }

    /// The targets that have at least one message due, sorted.
    public func dueOutboxTargets(now: EpochMillis) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT target FROM outbox WHERE next_attempt_ms <= ? ORDER BY target
                """, arguments: [now])
        }
    }

    public func pendingOutbox() throws -> [OutboxMessage] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id").map(Self.outboxMessage) }
    }

    public func pendingOutboxCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0 }
    }

    public func outboxDelivered(id: Int64) throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id]) }
    }

    public func outboxFailed(id: Int64, error: String, nextAttemptAt: EpochMillis) throws {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_ms = ? WHERE id = ?
                """, arguments: [String(error.prefix(500)), nextAttemptAt, id])
        }
    }

    private static func outboxMessage(_ row: Row) -> OutboxMessage {
        OutboxMessage(id: row["id"], target: row["target"], body: [UInt8](row["body"] as Data? ?? Data()),
                      createdAt: row["created_ms"], attempts: row["attempts"], nextAttemptAt: row["next_attempt_ms"],
                      lastError: row["last_error"])
    }
}
