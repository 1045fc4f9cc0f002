import KitchenModel
import KitchenRules

/// Why a person's action on an alarm was refused.
public enum AlarmActionError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case refused(LifecycleError)
    /// The action was allowed but could not be stored (the database refused the write): nothing
    /// changed and nothing was published.
    case notRecorded(String)

    public var description: String {
        switch self {
        case .notFound(let id): "no alarm '\(id)'"
        case .refused(let error): error.description
        case .notRecorded(let id): "the action on alarm '\(id)' could not be stored; try again"
        }
    }
}

/// The closed loop's steps a person takes (the API and the dashboard's forms): each returns the
/// alarm as recorded and published, or says why nothing changed. `AlarmEngine` conforms.
public protocol AlarmActions: Sendable {
    func acknowledge(id: String, by actor: String, note: String?) throws(AlarmActionError) -> AlarmRecord
    func rectify(id: String, by actor: String, action: String, evidence: [String]) throws(AlarmActionError) -> AlarmRecord
    func close(id: String, by actor: String, note: String?) throws(AlarmActionError) -> AlarmRecord
}

/// The live open alarms, as the alarm engine holds them (ahead of the database by at most one
/// commit), and a site's traffic light from them. `AlarmEngine` conforms.
public protocol OpenAlarms: Sendable {
    /// A site's open alarms, newest first.
    func openAlarms(site: SiteID) -> [AlarmRecord]
    func status(of site: SiteID) -> SiteStatus
    /// Every open alarm with its site's division code, from memory: what region figures count,
    /// without reading and decoding each stored record on every refresh.
    func openAlarmsWithRegion() -> [OpenAlarm]
}

/// An open alarm and the division code of its site (a station code such as `420106-03` included).
public struct OpenAlarm: Sendable {
    public var record: AlarmRecord
    public var region: String

    public init(record: AlarmRecord, region: String) {
        self.record = record
        self.region = region
    }
}
