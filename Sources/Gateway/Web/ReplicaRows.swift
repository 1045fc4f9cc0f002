import KitchenModel
import KitchenRules
import StorageModel

/// What a web replica holds of the rows the ingest instances write: every device's snapshot and
/// every open alarm, kept current from the rows changed since the last read (`Changes`), with a
/// mark per table for the next one. `ReplicaRefresher` reads; this merges, without the database,
/// so its rules are tested alone.
struct ReplicaRows: Sendable {
    var devices: [DeviceKey: DeviceSnapshot] = [:]
    var alarms: [String: AlarmRecord] = [:]
    var deviceMark: ChangeMark?
    var alarmMark: ChangeMark?
    var completeAt: ContinuousClock.Instant?

    /// Whether the next read must take every row: the first one, one after a store without
    /// marks, and one every `every`, which also drops rows deleted meanwhile.
    func needsComplete(every: Duration, now: ContinuousClock.Instant = .now) -> Bool {
        deviceMark == nil || alarmMark == nil || completeAt.map { $0.duration(to: now) >= every } ?? true
    }

    /// Takes in a read of device rows; returns whether anything it shows may have changed.
    mutating func apply(devices changes: Changes<DeviceSnapshot>) -> Bool {
        if changes.complete {
            devices = Dictionary(changes.rows.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
        } else {
            for snapshot in changes.rows { devices[snapshot.key] = snapshot }
        }
        deviceMark = changes.mark
        return changes.complete || !changes.rows.isEmpty
    }

    /// Takes in a read of alarm rows: a complete read is the open alarms; a read of changes may
    /// bring closed ones, which leave. A row that does not decode is left out, as a restore does.
    mutating func apply(alarms changes: Changes<AlarmRow>) -> Bool {
        if changes.complete { alarms = [:] }
        for row in changes.rows {
            if row.state == .closed {
                alarms[row.id] = nil
            } else {
                alarms[row.id] = AlarmRecord.decode(row)
            }
        }
        alarmMark = changes.mark
        return changes.complete || !changes.rows.isEmpty
    }
}
