import Foundation
import GRDB
import KitchenModel
import StorageModel

/// Dashboard sessions: a random id in the browser's cookie, its SHA-256 hash here, bound to the
/// API token that opened it. The id is never an API token and an API token is never a session.
extension Store {
    /// Opens a session for a live token and returns its id, which only the browser keeps.
    public func openDashboardSession(tokenID: Int64, lifetime: SessionLifetime, now: EpochMillis) throws -> String {
        let id = DashboardSessionID.mint()
        try pool.write { db in
            // Expired sessions are dropped here, so the table holds only live ones and a few stale.
            try db.execute(sql: "DELETE FROM dashboard_session WHERE expires_ms <= ? OR seen_ms <= ?",
                           arguments: [now, now - lifetime.idleMillis])
            try db.execute(sql: """
                INSERT INTO dashboard_session (hash, token_id, created_ms, seen_ms, expires_ms) VALUES (?, ?, ?, ?, ?)
                """, arguments: [StoredSecret.hash(id), tokenID, now, now, now + lifetime.absoluteMillis])
        }
        return id
    }

    /// The principal of a live session whose token is still live, or nil. A session past its idle
    /// or absolute limit is deleted on sight.
    public func dashboardSession(_ id: String, lifetime: SessionLifetime, now: EpochMillis) throws -> Principal? {
        guard DashboardSessionID.isWellFormed(id) else { return nil }
        let hash = StoredSecret.hash(id)
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
        if now - seen >= DashboardSessionID.touchMillis {
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
            try db.execute(sql: "DELETE FROM dashboard_session WHERE hash = ?", arguments: [StoredSecret.hash(id)])
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
