import Foundation
import GRDB
import PostgresStorage
import StoreCopy
import TestSupport

/// A real SQLite store written by `brightkitchen seed` (a week of readings, alarms, evidence, a
/// ticket and its keyring), and a fresh database on the shared throw-away PostgreSQL.
struct CopyFixture {
    let directory = TemporaryDirectory("bk-copy")
    let sqlite: String
    let keyring: String
    /// The seeded ticket's code, as printed on its receipt.
    let ticketCode: String
    let server: ThrowawayPostgres
    let url: String
    let passwordFile: String

    static var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    init() throws {
        let site = directory.file("site")
        let seeded = try runTool(Self.binary, ["seed", "--data-dir", site])
        guard seeded.status == 0 else { throw FixtureError("seed failed: \(seeded.errors)") }
        sqlite = site + "/brightkitchen.sqlite"
        keyring = site + "/ticket-keys"
        guard let path = seeded.output.split(separator: "\n").first(where: { $0.hasPrefix("/t/") }) else {
            throw FixtureError("seed printed no ticket: \(seeded.output)")
        }
        ticketCode = String(path.dropFirst(3))
        server = try ThrowawayPostgres.shared()
        url = server.url(database: try server.createDatabase())
        passwordFile = directory.file("pg-password")
        try ThrowawayPostgres.password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
    }

    func options(chunkSize: Int = 5_000, intoNonEmpty: Bool = false, source: String? = nil, url: String? = nil)
        -> StoreCopier.Options
    {
        StoreCopier.Options(sourcePath: source ?? sqlite, targetURL: url ?? self.url, passwordFile: passwordFile,
                            environment: [:], chunkSize: chunkSize, intoNonEmpty: intoNonEmpty)
    }

    func pool() throws -> PostgresStorage.PostgresDatabase {
        try PostgresStorage.PostgresDatabase(url: try PostgresURL(url), password: ThrowawayPostgres.password, maxConnections: 1)
    }

    /// `store copy` through the real binary.
    func copyCommand(_ extra: [String] = []) throws -> ToolRun {
        try runTool(Self.binary, ["store", "copy", "--from", sqlite, "--to", url, "--to-password-file", passwordFile]
            + extra)
    }

    func sqliteInt(_ sql: String) throws -> Int64 {
        try sqliteQueue().read { db in try Int64.fetchOne(db, sql: sql) ?? -1 }
    }

    /// Rows as text, for comparing a table on both sides column by column.
    func sqliteRows(_ sql: String) throws -> [String] {
        try sqliteQueue().read { db in
            try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { "\($0)" }.joined(separator: "|") }
        }
    }

    private func sqliteQueue() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: sqlite, configuration: configuration)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The `StoreCopyError` `body` throws, if any.
func copyError(_ body: () throws -> Void) -> StoreCopyError? {
    do {
        try body()
        return nil
    } catch {
        return error as? StoreCopyError
    }
}
