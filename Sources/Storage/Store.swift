import Foundation
import GRDB
import StorageModel
import Logging

/// The gateway's embedded database: one SQLite file in WAL mode, opened through GRDB.
///
/// All writes of the ingest path go through `BatchWriter`; the read side (API, CLI)
/// reads concurrently thanks to WAL.
public final class Store: Sendable {
    public let path: String
    let pool: DatabasePool

    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public let underlying: any Error
        public var description: String { "cannot open database at \(path): \(underlying)" }
    }

    /// With a `Checkpointer`, a commit that leaves this many pages (64 MiB) in the WAL checkpoints
    /// at once, from the writer. SQLite starts the WAL again from its beginning only after a
    /// checkpoint has copied every frame in it, and under sustained writes the background
    /// checkpoint never does: new frames have always arrived by the time it ends. Without this
    /// backstop the WAL grew by every page committed (812 MiB after 200,000 readings in
    /// `bench-ingest`). The writer's checkpoint copies only what the background one has not.
    public static let backstopCheckpointPages = 16_384

    /// The writer connection's page cache, in KiB (SQLite's default is 2,000 KiB). It fills only
    /// as pages are used.
    static let writerCacheKiB = 32_768

    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    /// `automaticCheckpoints: false` leaves folding the WAL to a `Checkpointer`.
    public init(path: String, automaticCheckpoints: Bool = true,
                backstopCheckpointPages: Int = Store.backstopCheckpointPages) throws {
        self.path = path
        do {
            try StoreFiles.prepare(path: path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                // WAL + NORMAL survives any process crash (SIGKILL included); only an
                // OS crash or power loss can drop the newest commits.
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // With a `Checkpointer` running, commits checkpoint themselves only once the WAL
                // holds `backstopCheckpointPages` (see there).
                if !automaticCheckpoints {
                    try db.execute(sql: "PRAGMA wal_autocheckpoint = \(backstopCheckpointPages)")
                }
                if !db.configuration.readonly {
                    // The writer's page cache holds every page a batch touches: at SQLite's default
                    // 2 MiB, inserts for a few hundred devices (two B-tree leaves each) evicted
                    // each other and every batch read its pages back from the WAL and the file
                    // (issue 13 item 8: a sixth of the writer thread's CPU was those reads).
                    try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKiB)")
                }
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Migrations.migrator.migrate(pool)
        } catch {
            throw OpenError(path: path, underlying: error)
        }
    }

    /// The store's files (directory, database, -wal, -shm) that group or others can read.
    public func permissionWarnings() -> [String] { StoreFiles.openPermissions(path: path) }

    /// Reads a value from the `gateway_meta` table.
    public func meta(_ key: String) throws -> String? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM gateway_meta WHERE key = ?", arguments: [key])
        }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO gateway_meta (key, value) VALUES (?, ?)",
                           arguments: [key, value])
        }
    }

    /// Makes the WAL fold into the main file; used on clean shutdown.
    public func checkpoint() throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }
}
