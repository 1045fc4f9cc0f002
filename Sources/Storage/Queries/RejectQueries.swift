import Foundation
import GRDB
import StorageModel

extension Store {
    /// Newest first, optionally only one reason.
    public func rejects(limit: Int = 50, reason: String? = nil) throws -> [StoredReject] {
        try pool.read { db in
            var sql = "SELECT * FROM reject"
            var arguments: StatementArguments = []
            if let reason {
                sql += " WHERE reason = ?"
                arguments += [reason]
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                StoredReject(id: row["id"], record: RejectRecord(
                    at: row["at_ms"], reason: row["reason"], topic: row["topic"], message: row["message"],
                    payloadSize: row["payload_size"], payloadPrefix: [UInt8](row["payload"] as Data? ?? Data())))
            }
        }
    }

    /// Count per reason over the whole (bounded) table.
    public func rejectCounts() throws -> [String: Int] {
        try pool.read { db in
            var out: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT reason, count(*) AS n FROM reject GROUP BY reason") {
                out[row["reason"]] = row["n"]
            }
            return out
        }
    }
}
