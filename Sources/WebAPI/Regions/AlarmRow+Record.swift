import KitchenModel
import KitchenRules
import Storage
import StorageModel

extension AlarmRow {
    /// The full record behind the row's columns, read by `AlarmRecord(storedJSON:)`; nil when it
    /// cannot be read (such a row is left out of views and counts).
    var record: AlarmRecord? { try? AlarmRecord(storedJSON: recordJSON) }

    /// `AlarmDeadlines.isOverdue` for a stored alarm; a row whose record cannot be read is not counted.
    func isOverdue(now: EpochMillis) -> Bool {
        record.map { AlarmDeadlines.isOverdue($0, now: now) } ?? false
    }
}
