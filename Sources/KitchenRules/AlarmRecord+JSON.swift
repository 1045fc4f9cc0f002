import Foundation

extension AlarmRecord {
    /// The record as stored (the `record` column) and read back: the only place its JSON is
    /// written or decoded, so every reader (engine restore, API, dashboard, reports) agrees.
    public init(storedJSON json: String) throws {
        self = try JSONDecoder().decode(AlarmRecord.self, from: Data(json.utf8))
    }

    public var storedJSON: String {
        // Unsorted keys: sorting goes through ICU collation on the alarm path.
        (try? String(decoding: JSONEncoder().encode(self), as: UTF8.self)) ?? "{}"
    }
}
