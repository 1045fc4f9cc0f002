import Foundation
import KitchenModel

/// A stored API token: only its SHA-256 hash is kept, so a database leak leaks no token.
public struct APIToken: Sendable, Hashable {
    public var id: Int64
    public var role: Role
    public var scope: String?
    public var label: String?
    public var createdAt: EpochMillis
    public var revokedAt: EpochMillis?

    public init(id: Int64, role: Role, scope: String?, label: String?, createdAt: EpochMillis, revokedAt: EpochMillis?) {
        self.id = id
        self.role = role
        self.scope = scope
        self.label = label
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
