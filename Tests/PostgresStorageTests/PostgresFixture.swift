import PostgresStorage
import TestSupport

/// A fresh database on a throw-away server (the process's shared one unless given), and a pool on it.
struct PostgresFixture {
    let server: ThrowawayPostgres
    let name: String
    let url: PostgresURL
    let database: PostgresDatabase

    init(server: ThrowawayPostgres? = nil, migrated: Bool = true) throws {
        self.server = try server ?? ThrowawayPostgres.shared()
        name = try self.server.createDatabase()
        url = try PostgresURL(self.server.url(database: name))
        database = try PostgresDatabase(url: url, password: ThrowawayPostgres.password, maxConnections: 2)
        if migrated { try PostgresMigrations.apply(to: database) }
    }

    /// Another pool on the same database, as a second gateway start would open.
    func reopen(password: String? = ThrowawayPostgres.password) throws -> PostgresDatabase {
        try PostgresDatabase(url: url, password: password, maxConnections: 2)
    }
}

/// The description of what `body` throws, or nil when it does not throw.
func thrownDescription(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return String(describing: error)
    }
}

/// The kind of the `PostgresStoreError` `body` throws.
func thrownKind(_ body: () throws -> Void) -> PostgresStoreError.Kind? {
    do {
        try body()
        return nil
    } catch {
        return (error as? PostgresStoreError)?.kind
    }
}
