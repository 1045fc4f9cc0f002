import Foundation
import KitchenModel

/// One message waiting for delivery to an external receiver.
public struct OutboxMessage: Sendable, Hashable {
    public var id: Int64
    public var target: String
    public var body: [UInt8]
    public var createdAt: EpochMillis
    public var attempts: Int
    public var nextAttemptAt: EpochMillis
    public var lastError: String?

    public init(id: Int64, target: String, body: [UInt8], createdAt: EpochMillis, attempts: Int, nextAttemptAt: EpochMillis, lastError: String?) {
        self.id = id
        self.target = target
        self.body = body
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}
