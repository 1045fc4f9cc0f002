/// An error after which the same write may well succeed once the store is reachable again: a
/// lost connection, a server restarting, a primary lost and a standby not yet promoted. Such a
/// write may also have been committed already (its COMMIT's answer lost), so only an idempotent
/// write may be retried on it. An error that does not conform (SQLite's) is never transient.
public protocol TransientStoreError: Error {
    var isTransient: Bool { get }
}

extension Error {
    /// Whether `self` is a `TransientStoreError` that says it is transient.
    public var isTransientStoreError: Bool { (self as? any TransientStoreError)?.isTransient ?? false }
}
