import KitchenModel

/// API tokens, kept as hashes.
public protocol TokenStore: AnyObject, Sendable {
    /// Keeps only the token's hash: the plaintext is shown once and never stored.
    @discardableResult
    func storeToken(_ token: String, role: Role, scope: String?, label: String?, now: EpochMillis) throws -> APIToken
    func authenticate(token: String) throws -> Principal?
    func tokens() throws -> [APIToken]
    func revokeToken(id: Int64, now: EpochMillis) throws -> Bool
}

extension TokenStore {
    @discardableResult
    public func storeToken(_ token: String, role: Role, scope: String?, now: EpochMillis) throws -> APIToken {
        try storeToken(token, role: role, scope: scope, label: nil, now: now)
    }
}

/// Server-side dashboard sessions: the cookie holds only an id.
public protocol DashboardSessionStore: AnyObject, Sendable {
    func openDashboardSession(tokenID: Int64, lifetime: SessionLifetime, now: EpochMillis) throws -> String
    func dashboardSession(_ id: String, lifetime: SessionLifetime, now: EpochMillis) throws -> Principal?
    func endDashboardSession(_ id: String) throws -> Bool
    func dashboardSessionCount(tokenID: Int64) throws -> Int
}
