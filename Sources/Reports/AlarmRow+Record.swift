import KitchenModel
import KitchenRules
import StorageModel

/// A stored alarm read back, for the reports and the HTTP layer alike (both sit above `Storage`
/// and `KitchenRules`, which know nothing of each other).
extension AlarmRow {
    /// The full record behind the row's columns, read by `AlarmRecord(storedJSON:)`; nil when it
    /// cannot be read (such a row is left out of views and counts).
    public var record: AlarmRecord? { try? AlarmRecord(storedJSON: recordJSON) }

    /// `AlarmDeadlines.isOverdue` for a stored alarm; a row whose record cannot be read is not counted.
    public func isOverdue(now: EpochMillis) -> Bool {
        record.map { AlarmDeadlines.isOverdue($0, now: now) } ?? false
    }
}
