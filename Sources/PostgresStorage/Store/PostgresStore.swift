import Foundation
import KitchenModel
import PostgresNIO
import StorageModel

/// The PostgreSQL backend of the store's capability protocols (StorageModel/Capabilities), method
/// for method the SQL of the SQLite `Store` (Sources/Storage/Queries) in PostgreSQL's dialect.
/// Synchronous and blocking like the SQLite store: called from the writer thread and HTTP handlers,
/// never from a NIO event loop.
public final class PostgresStore: Sendable {
    public let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    /// `--database postgres://...` as given (`StoreLocation.postgres(url:)`), with the password from
    /// `passwordFile` (`--database-password-file`), the URL or `BK_DATABASE_PASSWORD`: every way this
    /// can fail (bad URL, missing password file, wrong password, no writable host, newer schema)
    /// throws an error whose description says what to do.
    public static func open(url text: String, passwordFile: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment, now: EpochMillis,
                            logger: Logger = Logger(label: "bk.postgres")) throws -> PostgresStore {
        let url = try PostgresURL(text)
        let password = try PostgresPassword.resolve(url: url, passwordFile: passwordFile, environment: environment)
        return try open(url: url, password: password, now: now, logger: logger)
    }

    /// Connects, applies the migrations this database lacks and creates the coming days' reading
    /// partitions. Refuses (throws) a schema newer than this binary.
    public static func open(url: PostgresURL, password: String?, now: EpochMillis,
                            logger: Logger = Logger(label: "bk.postgres")) throws -> PostgresStore {
        // Eight: the batch writer's two lanes, the alarm committer and the rule-state saver each
        // commit on one, and HTTP handlers and services must not make a detection wait for a
        // free connection.
        let database = try PostgresDatabase(url: url, password: password, maxConnections: 8, logger: logger)
        try PostgresMigrations.apply(to: database)
        try PostgresPartitions.ensureReadingPartitions(database, now: now)
        return PostgresStore(database: database)
    }

    /// A shard owner's store: every write checks `fence` (`ShardFence`). Migrations and partitions
    /// are not touched: the ingest instance did both, unfenced, before it took any shard.
    public static func open(url text: String, passwordFile: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            fence: ShardFence, logger: Logger = Logger(label: "bk.postgres")) throws -> PostgresStore {
        let url = try PostgresURL(text)
        let password = try PostgresPassword.resolve(url: url, passwordFile: passwordFile, environment: environment)
        // The two writer lanes, the alarm committer, rule-state saving and the maintenance tick's
        // reads: no HTTP handlers run on a shard's store.
        return PostgresStore(database: try PostgresDatabase(url: url, password: password, maxConnections: 5,
                                                            logger: logger, fence: fence))
    }
}

extension PostgresStore: MetaStore {
    public func meta(_ key: String) throws -> String? {
        try database.query("SELECT value FROM gateway_meta WHERE key = $1", [.text(key)]).first.map(decode(String.self))
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try database.execute("""
            INSERT INTO gateway_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, [.text(key), .text(value)])
    }
}

extension PostgresStore: StoreMaintenance {
    public var location: String { database.url.description }

    public func permissionWarnings() -> [String] {
        database.url.password == nil ? [] : [
            "the database password is written in the database URL, where shell history, process lists and logs "
                + "can show it: use --database-password-file or BK_DATABASE_PASSWORD",
        ]
    }

    public func closeCleanly() throws { database.close() }

    /// The reading partitions from yesterday to a week ahead (a start creates them too).
    public func prepareAhead(now: EpochMillis) throws -> [String] {
        try PostgresPartitions.ensureReadingPartitions(database, now: now)
    }
}

/// Decodes one column of a row, translating postgres-nio's decoding error into one that names it.
func decode<T: PostgresDecodable>(_ type: T.Type) -> (PostgresRow) throws -> T {
    { row in
        do { return try row.decode(T.self) } catch { throw PostgresStoreError(translating: error) }
    }
}

/// Columns by name, with decoding errors that name the column and type.
struct Columns {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    func callAsFunction<T: PostgresDecodable>(_ name: String, _ type: T.Type = T.self) throws -> T {
        do { return try row[name].decode(T.self) } catch { throw PostgresStoreError(translating: error) }
    }
}
