import KitchenModel
import KitchenRules

extension AlarmRecord {
    /// Overdue: past its rectification deadline (or marked so by the engine) and not yet
    /// rectified. A rectified or closed alarm is no longer overdue, even if it was once; the
    /// region figures, the site page and the alarm page all count with this one definition.
    func isOverdue(now: EpochMillis) -> Bool {
        guard state == .raised || state == .acknowledged else { return false }
        if overdueAt != nil { return true }
        return deadline.map { now >= $0 } ?? false
    }
}
