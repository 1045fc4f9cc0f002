import Crypto
import Foundation
import KitchenModel
import PostgresNIO
import StorageModel

/// API tokens and dashboard sessions, kept as SHA-256 hashes (hex) exactly as the SQLite store keeps
/// them, so `store copy` moves them and a token keeps working. Hashed here: the plaintext never
/// travels to the server.
extension PostgresStore: TokenStore {
    public func storeToken(_ token: String, role: Role, scope: String?, label: String?, now: EpochMillis) throws
        -> APIToken
    {
        guard let id = try database.query("""
            INSERT INTO api_token (hash, role, scope, label, created_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id
            """, [.text(StoredSecret.hash(token)), .text(role.rawValue), PostgresValue(scope), PostgresValue(label),
                  .int(now)]).first.map(decode(Int64.self))
        else { throw PostgresStoreError(.server, "INSERT INTO api_token returned no id") }
        return APIToken(id: id, role: role, scope: scope, label: label, createdAt: now, revokedAt: nil)
    }

    public func authenticate(token: String) throws -> Principal? {
        guard let row = try database.query("""
            SELECT id, role, scope FROM api_token WHERE hash = $1 AND revoked_ms IS NULL
            """, [.text(StoredSecret.hash(token))]).first else { return nil }
        let (id, role, scope) = try row.decode((Int64, String, String?).self)
        return Role(rawValue: role).map { Principal(role: $0, scope: scope, tokenID: id) }
    }

    public func tokens() throws -> [APIToken] {
        try database.query("SELECT id, role, scope, label, created_ms, revoked_ms FROM api_token ORDER BY id")
            .compactMap { row in
                let (id, role, scope, label, created, revoked) = try row.decode(
                    (Int64, String, String?, String?, Int64, Int64?).self)
                return Role(rawValue: role).map {
                    APIToken(id: id, role: $0, scope: scope, label: label, createdAt: created, revokedAt: revoked)
                }
            }
    }

    /// Returns false when no live token has that id; the token's dashboard sessions end with it.
    public func revokeToken(id: Int64, now: EpochMillis) throws -> Bool {
        try database.transaction { session in
            let revoked = try session.execute("UPDATE api_token SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL",
                                              [.int(now), .int(id)]) == 1
            try session.execute("DELETE FROM dashboard_session WHERE token_id = $1", [.int(id)])
            return revoked
        }
    }
}

extension PostgresStore: DashboardSessionStore {
    public func openDashboardSession(tokenID: Int64, lifetime: SessionLifetime, now: EpochMillis) throws -> String {
        let id = DashboardSessionID.mint()
        try database.transaction { session in
            // Expired sessions are dropped here, so the table holds only live ones and a few stale.
            try session.execute("DELETE FROM dashboard_session WHERE expires_ms <= $1 OR seen_ms <= $2",
                                [.int(now), .int(now - lifetime.idleMillis)])
            try session.execute("""
                INSERT INTO dashboard_session (hash, token_id, created_ms, seen_ms, expires_ms) VALUES ($1, $2, $3, $3, $4)
                """, [.text(StoredSecret.hash(id)), .int(tokenID), .int(now), .int(now + lifetime.absoluteMillis)])
        }
        return id
    }

    public func dashboardSession(_ id: String, lifetime: SessionLifetime, now: EpochMillis) throws -> Principal? {
        guard DashboardSessionID.isWellFormed(id) else { return nil }
        let hash = StoredSecret.hash(id)
        guard let row = try database.query("""
            SELECT s.seen_ms, s.expires_ms, t.id, t.role, t.scope FROM dashboard_session s
            JOIN api_token t ON t.id = s.token_id WHERE s.hash = $1 AND t.revoked_ms IS NULL
            """, [.text(hash)]).first else { return nil }
        let (seen, expires, tokenID, role, scope) = try row.decode((Int64, Int64, Int64, String, String?).self)
        guard now < expires, now - seen < lifetime.idleMillis else {
            _ = try endDashboardSession(id)
            return nil
        }
        if now - seen >= DashboardSessionID.touchMillis {
            try database.execute("UPDATE dashboard_session SET seen_ms = $1 WHERE hash = $2", [.int(now), .text(hash)])
        }
        return Role(rawValue: role).map { Principal(role: $0, scope: scope, tokenID: tokenID) }
    }

    @discardableResult
    public func endDashboardSession(_ id: String) throws -> Bool {
        try database.execute("DELETE FROM dashboard_session WHERE hash = $1", [.text(StoredSecret.hash(id))]) == 1
    }

    public func dashboardSessionCount(tokenID: Int64) throws -> Int {
        try database.query("SELECT count(*) FROM dashboard_session WHERE token_id = $1", [.int(tokenID)])
            .first.map(decode(Int.self)) ?? 0
    }
}
