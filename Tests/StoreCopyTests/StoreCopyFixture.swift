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

    /// A row in each table the seed leaves empty, with NULLs, blobs, flags, odd reals and non-ASCII
    /// text, so that every table and column kind crosses over.
    func fillEmptyTables() throws {
        let queue = try DatabaseQueue(path: sqlite)
        try queue.write { db in
            for sql in [
                "INSERT INTO gateway_meta (key, value) VALUES ('embedded_broker_port', '18830')",
                "INSERT INTO provisioned_device (site, device, kind, created_ms) VALUES ('canteen-01', '冷柜-2', 'thermo', 5)",
                "INSERT INTO api_token (id, hash, role, scope, label, created_ms, revoked_ms) VALUES (7, 'h7', 'admin', NULL, '值班', 1, NULL)",
                "INSERT INTO dashboard_session (hash, token_id, created_ms, seen_ms, expires_ms) VALUES ('s1', 7, 1, 2, 3)",
                "INSERT INTO event (device_id, boot, seq, ts_ms, received_ms, type, data) VALUES (1, 1, 99, 10, 11, 'door', '{}')",
                "INSERT INTO seq_gap (device_id, boot, first_seq, last_seq, opened_ms) VALUES (1, 2, 5, 9, 12)",
                "INSERT INTO reject (at_ms, reason, topic, message, payload_size, payload) VALUES (1, 'json', 't', 'bad', 3, x'00ff10')",
                "INSERT INTO outbox (target, body, created_ms, next_attempt_ms, last_error) VALUES ('hook', x'7b7d', 1, 2, NULL)",
                "INSERT INTO rule_state (site, device, state, updated_ms) VALUES ('canteen-01', 'fridge-1', '{\"a\":1}', 4)",
                "INSERT INTO disinfection_ledger (site, device, start_ms, end_ms, mode, passed, scheduled_ms, entry) VALUES ('canteen-01', 'uv-1', 1, 2, 'uv', 1, NULL, '{}')",
                "INSERT INTO unmapped_source (family, source_id, count, first_seen_ms, last_seen_ms) VALUES ('tasmota', 'x', 2, 1, 2)",
                "INSERT INTO ledger_entry (site, seq, kind, at_ms, recorded_ms, source, corrects, body, prev, hash) VALUES ('canteen-01', 1, 'staff', 1, 2, 'registry', NULL, '{\"name\":\"王芳\"}', '00', 'ab')",
                "INSERT INTO ledger_head (site, day, seq, hash, key_id, signature) VALUES ('canteen-01', '1970-01-01', 1, 'ab', '0', 'cd')",
                "INSERT INTO site_grade (site, day, region, score, smiley, risk, body, computed_ms) VALUES ('canteen-01', '2026-12-04', '420106', 86, 'good', 'B', '{}', 5)",
                "INSERT INTO market_record (site, kind, key, body, updated_ms) VALUES ('market-01', 'stall_holder', 'h-1', '{\"name\":\"王建国\"}', 6)",
                "INSERT INTO feedback_rating (site, day, client, at_ms, food, hygiene, source) VALUES ('canteen-01', '2026-11-22', 'c1', 1, 3, 2, 'kitchen')",
                "INSERT INTO complaint (id, receipt, site, region, kind, text, contact, source, ticket, state, received_ms, decide_by_ms, close_by_ms, escalated, upheld, reply, closed_ms, photo_count, fingerprint, version, updated_ms) VALUES ('cp_1', 'ABCDEFGHJKMN', 'canteen-01', '420106', 'complaint', '饭菜有头发\n孩子不敢吃', NULL, 'kitchen', NULL, 'closed', 1, 2, NULL, 'decide', 1, '已整改', 3, 1, 'f', 3, 3)",
                "INSERT INTO complaint_photo (complaint_id, idx, jpeg, width, height) VALUES ('cp_1', 0, x'ffd8ffd9', 1, 1)",
                "INSERT INTO complaint_step (complaint_id, at_ms, kind, actor, note) VALUES ('cp_1', 1, 'received', NULL, NULL)",
                // Reals that a text rendering could change: negative zero and a subnormal.
                "INSERT INTO reading (device_id, boot, seq, ts_ms, received_ms, t, rh, bat, data) VALUES (2, 9, 1, 1796428800000, 1796428800000, -0.0, 4.9e-324, NULL, '{\"x\":1}')",
            ] {
                try db.execute(sql: sql)
            }
        }
    }

    func sqliteInt(_ sql: String) throws -> Int64 {
        try sqliteQueue().read { db in try Int64.fetchOne(db, sql: sql) ?? -1 }
    }

    /// One text per row (the query renders it), for comparing a table on both sides.
    func sqliteRows(_ sql: String) throws -> [String] {
        try sqliteQueue().read { db in try String.fetchAll(db, sql: sql) }
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
