import Foundation
import KitchenModel

/// What one committed batch did.
public struct CommitStats: Sendable {
    public var items: Int
    public var readingsInserted: Int
    public var eventsInserted: Int
    public var ticketsInserted: Int = 0
    /// Tickets the database already had under the same (scale, req): a retried weighing.
    public var ticketsIgnored: Set<UInt64> = []
    /// Rows the database already had (a redelivery that slipped past the state model).
    public var duplicatesIgnored: Int
    public var seconds: Double

    public init(items: Int, readingsInserted: Int, eventsInserted: Int, ticketsInserted: Int = 0, ticketsIgnored: Set<UInt64> = [], duplicatesIgnored: Int, seconds: Double) {
        self.items = items
        self.readingsInserted = readingsInserted
        self.eventsInserted = eventsInserted
        self.ticketsInserted = ticketsInserted
        self.ticketsIgnored = ticketsIgnored
        self.duplicatesIgnored = duplicatesIgnored
        self.seconds = seconds
    }
}
