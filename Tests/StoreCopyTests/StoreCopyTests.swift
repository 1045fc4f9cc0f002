import Foundation
import Gateway
import GRDB
import PostgresNIO
import PostgresStorage
import StoreCopy
import TestSupport
import Testing

@Suite struct StoreCopyTests {
    static let ticketColumns = ["id", "code", "trace_no", "key_id", "site", "device", "req", "stall", "batch", "plu",
                                "item", "grams", "unit_price_fen", "total_fen", "issued_ms"]

    func pgInt(_ database: PostgresStorage.PostgresDatabase, _ sql: String) throws -> Int64 {
        try database.query(sql).first?.decode(Int64.self) ?? -1
    }

    func pgRows(_ database: PostgresStorage.PostgresDatabase, _ sql: String) throws -> [String] {
        try database.query(sql).map { try $0.decode(String.self) }
    }

    /// `a || '|' || b ...`: a row as one text, the same in SQLite and PostgreSQL (NOT NULL columns).
    func joined(_ columns: [String]) -> String { columns.joined(separator: " || '|' || ") }

    @Test func copiesEveryTableThroughTheCommandAndTicketsStayGenuine() throws {
        let fixture = try CopyFixture()
        try fixture.fillEmptyTables()
        // A thermometer reading of the hour the seed's writer has not folded yet (whatever the time
        // of day the test runs at): SQLite has no rollup row for it, only the raw reading.
        let folded = try fixture.sqliteInt("SELECT value FROM gateway_meta WHERE key = 'rollup_materialized_hour'")
        let device = try fixture.sqliteInt("SELECT min(device_id) FROM reading WHERE t IS NOT NULL")
        try DatabaseQueue(path: fixture.sqlite).write { db in
            try db.execute(sql: """
                INSERT INTO reading (device_id, boot, seq, ts_ms, received_ms, t, rh, bat, data)
                VALUES (?, 999, 1, ?, ?, 4.25, 61, 90, NULL)
                """, arguments: [device, folded * 3_600_000 + 1, folded * 3_600_000 + 2])
        }
        let run = try fixture.copyCommand()
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("ticket keyring \(fixture.keyring): matches the copied key fingerprints"))
        #expect(run.output.contains("brightkitchen serve --database '\(fixture.url)' --database-password-file"))
        #expect(run.errors.contains("reading: "), "progress goes to stderr")

        let database = try fixture.pool()
        defer { database.close() }
        for table in CopyTable.all {
            let sqliteCount = try fixture.sqliteInt("SELECT count(*) FROM \(table.sqliteSource)")
            #expect(sqliteCount > 0, "every table has a row to copy: \(table.name)")
            #expect(try pgInt(database, "SELECT count(*) FROM \(table.name)") == sqliteCount, "\(table.name)")
            #expect(run.output.contains("\(table.name) "), "the final table names \(table.name)")
        }
        // The open hour's thermometer rollups, which SQLite computes from raw readings until the
        // hour is folded, arrive as rows.
        #expect(try fixture.sqliteInt("SELECT count(*) FROM rollup_hourly WHERE metric = 't' AND hour >= \(folded)") == 0)
        let openCount = try fixture.sqliteInt(
            "SELECT count(t) FROM reading WHERE device_id = \(device) AND ts_ms / 3600000 = \(folded)")
        #expect(openCount >= 1)
        #expect(try pgInt(database, """
            SELECT count FROM rollup_hourly WHERE device_id = \(device) AND metric = 't' AND hour = \(folded)
            """) == openCount)
        #expect(try pgInt(database, "SELECT count(*) FROM reading WHERE t = 0 AND rh > 0 AND rh < 1e-300") == 1)
        #expect(try pgInt(database, "SELECT count(*) FROM reject WHERE payload = '\\x00ff10'::bytea") == 1)
        #expect(try pgInt(database, "SELECT count(*) FROM disinfection_ledger WHERE passed") == 1)
        // Readings sit in their day partitions, not in the default one.
        #expect(try pgInt(database, "SELECT count(*) FROM reading_default") == 0)
        #expect(try pgInt(database, "SELECT count(DISTINCT tableoid) FROM reading") >= 7)

        // The ticket and its key fingerprint travel unchanged.
        let ticketSQL = "SELECT \(joined(Self.ticketColumns)) FROM ticket ORDER BY id"
        #expect(try pgRows(database, ticketSQL) == (try fixture.sqliteRows(ticketSQL)))
        let keySQL = "SELECT \(joined(["key_id", "fingerprint", "first_signed_ms"])) FROM ticket_key ORDER BY key_id"
        #expect(try pgRows(database, keySQL) == (try fixture.sqliteRows(keySQL)))
        #expect(try !fixture.sqliteRows(keySQL).isEmpty)

        // The gateway's view: the keyring passes the store's check and the old code finds its ticket.
        let store = PostgresStore(database: database)
        let keyring = try TicketKeyCheck.open(path: fixture.keyring, store: store, now: 1_800_000_000_000)
        let code = try keyring.verify(fixture.ticketCode)
        let ticket = try #require(try store.ticket(id: code.ticketID.rawValue))
        #expect(ticket.code == fixture.ticketCode)

        // Identity sequences start after the copied ids: a new device does not collide.
        let highest = try fixture.sqliteInt("SELECT max(id) FROM device")
        let next = try pgInt(database, "INSERT INTO device (site, device) VALUES ('new-site', 'new-device') RETURNING id")
        #expect(next > highest)
        let transition = try pgInt(database, """
            INSERT INTO alarm_transition (alarm_id, at_ms, kind, body) VALUES ('x', 1, 'opened', '{}') RETURNING id
            """)
        #expect(transition > (try fixture.sqliteInt("SELECT max(id) FROM alarm_transition")))
    }

    @Test func resumesAfterTheProcessIsKilledWithoutDuplicates() throws {
        let fixture = try CopyFixture()
        let database = try fixture.pool()
        defer { database.close() }
        let child = try ChildProcess(executable: CopyFixture.binary, arguments: [
            "store", "copy", "--from", fixture.sqlite, "--to", fixture.url, "--to-password-file", fixture.passwordFile,
            "--chunk-size", "20",
        ], logDirectory: fixture.directory.path)
        let started = eventually(timeout: .seconds(60), every: .milliseconds(20)) {
            let rows = try? database.query("SELECT rows FROM bk_store_copy WHERE table_name = 'reading'")
                .first?.decode(Int64.self)
            return (rows ?? 0) > 0 || !child.isRunning
        }
        child.kill()
        #expect(started)
        let total = try fixture.sqliteInt("SELECT count(*) FROM reading")
        let partial = try pgInt(database, "SELECT count(*) FROM reading")
        #expect(partial > 0 && partial < total, "killed part-way: \(partial) of \(total)")
        // What was committed is exactly what bk_store_copy says was copied.
        #expect(try pgInt(database, "SELECT rows FROM bk_store_copy WHERE table_name = 'reading'") == partial)

        let rerun = try fixture.copyCommand(["--chunk-size", "500"])
        #expect(rerun.status == 0, "\(rerun.errors)")
        #expect(rerun.errors.contains("resuming the copy of"))
        #expect(try pgInt(database, "SELECT count(*) FROM reading") == total)
        #expect(try pgInt(database, "SELECT count(*) FROM (SELECT DISTINCT device_id, boot, seq FROM reading) r") == total)

        // Once finished, running it again copies nothing and verifies again.
        let again = try fixture.copyCommand()
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output.contains("0 row(s) copied"))
        #expect(try pgInt(database, "SELECT count(*) FROM reading") == total)
    }

    @Test func anInterruptedCopyContinuesAfterItsLastChunk() throws {
        let fixture = try CopyFixture()
        struct Stop: Error {}
        var chunks = 0
        let interrupted = copyError {
            _ = try StoreCopier(options: fixture.options(chunkSize: 100), afterChunk: { table, _ in
                guard table == "reading" else { return }
                chunks += 1
                if chunks == 3 { throw StoreCopyError(.interrupted, "stopped by the test") }
            }).run()
        }
        #expect(interrupted?.kind == .interrupted)
        let database = try fixture.pool()
        defer { database.close() }
        #expect(try pgInt(database, "SELECT count(*) FROM reading") == 300)

        let report = try StoreCopier(options: fixture.options(chunkSize: 100)).run()
        #expect(report.resumed)
        let total = try fixture.sqliteInt("SELECT count(*) FROM reading")
        let reading = try #require(report.tables.first { $0.table == "reading" })
        #expect(reading.rows == total)
        #expect(reading.copiedNow == total - 300)
        #expect(try pgInt(database, "SELECT count(*) FROM reading") == total)
        #expect(report.ticketKeyRows == 1 && report.ticketRows == 1)
    }

    @Test func refusesANonEmptyTargetUnlessTold() throws {
        let fixture = try CopyFixture()
        let database = try fixture.pool()
        defer { database.close() }
        try PostgresMigrations.apply(to: database)
        try database.execute("INSERT INTO gateway_meta (key, value) VALUES ('left-over', 'x')")
        try database.execute("""
            INSERT INTO api_token (id, hash, role, created_ms) VALUES (9000, 'h', 'admin', 1)
            """)

        let refused = copyError { _ = try StoreCopier(options: fixture.options()).run() }
        #expect(refused?.kind == .notEmpty)
        #expect(refused?.message.contains("gateway_meta (1 row)") == true)
        #expect(refused?.message.contains("api_token (1 row)") == true)
        #expect(refused?.message.contains("--into-non-empty") == true)
        #expect(try pgInt(database, "SELECT count(*) FROM device") == 0, "nothing copied")

        let report = try StoreCopier(options: fixture.options(intoNonEmpty: true)).run()
        #expect(report.tables.count == CopyTable.all.count)
        let meta = try fixture.sqliteInt(
            "SELECT count(*) FROM \(CopyTable.all.first { $0.name == "gateway_meta" }!.sqliteSource)")
        #expect(try pgInt(database, "SELECT count(*) FROM gateway_meta") == meta + 1, "the old row stays")

        // Another SQLite store cannot be copied on top of this copy.
        let other = try CopyFixture()
        let mixed = copyError { _ = try StoreCopier(options: other.options(url: fixture.url)).run() }
        #expect(mixed?.kind == .notEmpty)
        #expect(mixed?.message.contains("another SQLite store") == true)
    }

    @Test func aTargetThatDiffersFromTheSourceFailsVerification() throws {
        let fixture = try CopyFixture()
        _ = try StoreCopier(options: fixture.options()).run()
        let database = try fixture.pool()
        defer { database.close() }
        // Someone changed the copy afterwards: the re-run's verification names the table and both figures.
        try database.execute("UPDATE alarm_transition SET at_ms = at_ms + 1 WHERE id = (SELECT min(id) FROM alarm_transition)")
        let mismatch = copyError { _ = try StoreCopier(options: fixture.options()).run() }
        #expect(mismatch?.kind == .verification)
        let rows = try fixture.sqliteInt("SELECT count(*) FROM alarm_transition")
        #expect(mismatch?.message.hasPrefix("alarm_transition: the copy does not match") == true)
        #expect(mismatch?.message.contains("SQLite has \(rows) row(s), checksum") == true)
        #expect(mismatch?.message.contains("PostgreSQL has \(rows) row(s)") == true, "\(String(describing: mismatch))")
        // A duplicated row is caught too, though the checksum is order-independent.
        try database.execute("UPDATE alarm_transition SET at_ms = at_ms - 1 WHERE id = (SELECT min(id) FROM alarm_transition)")
        _ = try StoreCopier(options: fixture.options()).run()
        try database.execute("INSERT INTO gateway_meta (key, value) VALUES ('extra', 'row')")
        let extra = copyError { _ = try StoreCopier(options: fixture.options()).run() }
        #expect(extra?.message.hasPrefix("gateway_meta: the copy does not match") == true, "\(String(describing: extra))")
    }

    @Test func badInputsAreClearErrors() throws {
        let fixture = try CopyFixture()
        let missing = copyError { _ = try StoreCopier(options: fixture.options(source: fixture.directory.file("nope.sqlite"))).run() }
        #expect(missing?.kind == .source)
        #expect(missing?.message.contains("does not exist") == true)

        let notSQLite = fixture.directory.file("notes.txt")
        try String(repeating: "not a database\n", count: 200).write(toFile: notSQLite, atomically: true, encoding: .utf8)
        let garbage = copyError { _ = try StoreCopier(options: fixture.options(source: notSQLite)).run() }
        #expect(garbage?.kind == .source)
        #expect(garbage?.message.contains("not a readable SQLite database") == true)

        let foreign = fixture.directory.file("other.sqlite")
        try DatabaseQueueMaker.make(foreign)
        let notOurs = copyError { _ = try StoreCopier(options: fixture.options(source: foreign)).run() }
        #expect(notOurs?.kind == .source)
        #expect(notOurs?.message.contains("is not a BrightKitchen database") == true)

        var wrong = fixture.options()
        let badPassword = fixture.directory.file("wrong-password")
        try "not-the-password".write(toFile: badPassword, atomically: true, encoding: .utf8)
        wrong.passwordFile = badPassword
        let refused = copyError { _ = try StoreCopier(options: wrong).run() }
        #expect(refused?.kind == .target)
        #expect(refused?.message.contains("password") == true, "\(String(describing: refused))")

        var noFile = fixture.options()
        noFile.passwordFile = fixture.directory.file("no-such-password-file")
        let missingPassword = copyError { _ = try StoreCopier(options: noFile).run() }
        #expect(missingPassword?.message.contains("does not exist") == true)

        let port = freePort()
        let unreachable = copyError {
            _ = try StoreCopier(options: fixture.options(url: "postgres://postgres@127.0.0.1:\(port)/bk?sslmode=disable&connect_timeout=2")).run()
        }
        #expect(unreachable?.kind == .target)
        #expect(unreachable?.message.contains("127.0.0.1:\(port)") == true, "\(String(describing: unreachable))")

        // Through the command: the same message, and a failing exit status.
        let run = try runTool(CopyFixture.binary, ["store", "copy", "--from", fixture.directory.file("nope.sqlite"),
                                                   "--to", fixture.url])
        #expect(run.status != 0)
        #expect(run.errors.contains("does not exist"))
    }
}
