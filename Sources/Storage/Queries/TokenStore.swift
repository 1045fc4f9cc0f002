import Crypto
import Foundation
import GRDB
import KitchenModel
import StorageModel

/// What a token looks like and who may hold one is `KitchenRules.TokenPolicy`; `Store.createToken`
/// (in `Gateway`) mints by it. Storage only keeps and looks up hashes.
extension Store {
    /// Stores a token minted by the caller: only its hash is kept, so the plaintext is shown once
    /// and never stored.
    public func storeToken(_ token: String, role: Role, scope: String?, label: String? = nil, now: EpochMillis) throws
        -> APIToken
    {
        let id = try pool.write { db -> Int64 in
            try db.execute(sql: """
                INSERT INTO api_token (hash, role, scope, label, created_ms) VALUES (?, ?, ?, ?, ?)
                """, arguments: [StoredSecret.hash(token), role.rawValue, scope, label, now])
            return db.lastInsertedRowID
        }
        return APIToken(id: id, role: role, scope: scope, label: label, createdAt: now, revokedAt: nil)
    }

    /// The principal a bearer token speaks for, or nil for an unknown or revoked token.
    public func authenticate(token: String) throws -> Principal? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, role, scope FROM api_token WHERE hash = ? AND revoked_ms IS NULL
                """, arguments: [StoredSecret.hash(token)]),
                let role = Role(rawValue: row["role"])
            else { return nil }
            return Principal(role: role, scope: row["scope"], tokenID: row["id"])
        }
    }

    public func tokens() throws -> [APIToken] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_token ORDER BY id").compactMap { row in
                guard let role = Role(rawValue: row["role"]) else { return nil }
                return APIToken(id: row["id"], role: role, scope: row["scope"], label: row["label"],
                                createdAt: row["created_ms"], revokedAt: row["revoked_ms"])
            }
        }
    }

    /// Returns false when no live token has that id. The dashboard sessions the token opened end
    /// with it (their lookup also checks the token, so none outlives it either way).
    public func revokeToken(id: Int64, now: EpochMillis) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE api_token SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL",
                           arguments: [now, id])
            let revoked = db.changesCount == 1
            try db.execute(sql: "DELETE FROM dashboard_session WHERE token_id = ?", arguments: [id])
            return revoked
        }
    }
}
