import Foundation
import GRDB
import KitchenModel
import StorageModel

/// Dashboard sessions: a random id in the browser's cookie, its SHA-256 hash here, bound to the
/// API token that opened it. The id is never an API token and an API token is never a session.
extension Store {
    static let sessionPrefix = "bks_"
    /// `seen_ms` is written at most this often: a page refresh need not be a database write.
    static let sessionTouchMillis: EpochMillis = 60_000

    /// Opens a session for a live token and returns its id, which only the browser keeps.
    public func openDashboardSession(tokenID: Int64, lifetime: SessionLifetime, now: EpochMillis) throws -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()  // the system CSPRNG (getrandom)
        for i in bytes.indices { bytes[i] = generator.next() }
        let id = Self.sessionPrefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        try pool.write { db in
            // Expired sessions are dropped here, so the table holds only live ones and a few stale.
            try db.execute(sql: "DELETE FROM dashboard_session WHERE expires_ms <= ? OR seen_ms <= ?",
                           arguments: [now, now - lifetime.idleMillis])
            try db.execute(sql: """
                INSERT INTO dashboard_session (hash, token_id, created_ms, seen_ms, expires_ms) VALUES (?, ?, ?, ?, ?)
                """, arguments: [Self.hash(token: id), tokenID, now, now, now + lifetime.absoluteMillis])
        }
        return id
    }

    /// The principal of a live session whose token is still live, or nil. A session past its idle
    /// or absolute limit is deleted on sight.
    public func dashboardSession(_ id: String, lifetime: SessionLifetime, now: EpochMillis) throws -> Principal? {
        guard id.hasPrefix(Self.sessionPrefix), id.utf8.count < 200 else { return nil }
        let hash = Self.hash(token: id)
        let found = try pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT s.seen_ms, s.expires_ms, t.id, t.role, t.scope FROM dashboard_session s
                JOIN api_token t ON t.id = s.token_id WHERE s.hash = ? AND t.revoked_ms IS NULL
                """, arguments: [hash])
        }
        guard let row = found else { return nil }
        let seen: EpochMillis = row["seen_ms"], expires: EpochMillis = row["expires_ms"]
        guard now < expires, now - seen < lifetime.idleMillis else {
            _ = try endDashboardSession(id)
            return nil
        }
        if now - seen >= Self.sessionTouchMillis {
            try pool.write { db in
                try db.execute(sql: "UPDATE dashboard_session SET seen_ms = ? WHERE hash = ?", arguments: [now, hash])
            }
        }
        guard let role = Role(rawValue: row["role"]) else { return nil }
        return Principal(role: role, scope: row["scope"], tokenID: row["id"])
    }

    /// Ends a session (logout). Returns false when there was none.
    @discardableResult
    public func endDashboardSession(_ id: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM dashboard_session WHERE hash = ?", arguments: [Self.hash(token: id)])
            return db.changesCount == 1
        }
    }

    /// Live sessions a token has opened (for tests and `tokens list`-style tools).
    public func dashboardSessionCount(tokenID: Int64) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dashboard_session WHERE token_id = ?", arguments: [tokenID]) ?? 0
        }
    }
}
