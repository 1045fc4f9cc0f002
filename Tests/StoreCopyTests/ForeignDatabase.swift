import GRDB

/// A SQLite file that is not a BrightKitchen store.
enum DatabaseQueueMaker {
    static func make(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
            try db.execute(sql: "INSERT INTO recipes (name) VALUES ('麻婆豆腐')")
        }
    }
}
