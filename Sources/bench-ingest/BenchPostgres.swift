import Foundation
import Gateway
import LoopbackTools
import StorageModel

/// A private PostgreSQL server for one benchmark run (issue 15, item 7): `initdb` in a temporary
/// directory, then `postgres` itself on a free loopback port, as this process's child.
///
/// Settings are PostgreSQL's defaults (fsync and synchronous_commit on, 128 MB shared buffers): the
/// figures are those of a production store on this machine's disk, not of a tuned-off test server.
/// As root, every PostgreSQL program runs as the `postgres` user through `setpriv`, whose
/// `--pdeathsig KILL` makes the kernel kill the server when this benchmark dies, however it dies;
/// its backends notice the postmaster is gone and exit too.
final class BenchPostgres: @unchecked Sendable {
    // @unchecked: used from the benchmark's one task at a time; `databases` is its only mutable state.
    static let superuser = "postgres"
    static let password = "bench"

    let port: Int
    let directory: String
    /// Readable by this process: `--database-password-file` for the gateway.
    let passwordFile: String
    private let bin: String
    private let runAs: [String]
    private let server: Process
    private var databases = 0

    /// The synchronous standby `--standby` added (`addSynchronousStandby`), stopped with this server.
    private(set) var standby: BenchPostgres?

    /// A new server (initdb), or with `primary` a streaming-replication standby of it
    /// (`pg_basebackup -R`) whose WAL receiver connects as `applicationName`.
    init(standbyOf primary: BenchPostgres? = nil, applicationName: String? = nil) throws {
        bin = try Self.binaries()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bk-bench-pg-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        passwordFile = directory + "/password"
        try Self.password.write(toFile: passwordFile, atomically: false, encoding: .utf8)
        if getuid() == 0 {
            guard let user = getpwnam(Self.superuser) else { throw BenchFailure("running as root and no postgres user") }
            chown(directory, user.pointee.pw_uid, user.pointee.pw_gid)
            chown(passwordFile, user.pointee.pw_uid, user.pointee.pw_gid)
            runAs = ["/usr/bin/setpriv", "--reuid=\(Self.superuser)", "--regid=\(Self.superuser)", "--init-groups",
                     "--pdeathsig=KILL", "--"]
        } else {
            runAs = []
        }
        if let primary {
            // initdb's pg_hba lets local (Unix socket) replication connections in without a password.
            let copy = try Self.run(runAs + ["\(bin)/pg_basebackup", "-D", directory + "/data", "-R", "-X", "stream",
                                             "-h", primary.directory, "-p", "\(primary.port)", "-U", Self.superuser])
            guard copy.status == 0 else { throw BenchFailure("pg_basebackup failed: \(copy.output)") }
            if let applicationName { try Self.name(standbyData: directory + "/data", applicationName) }
        } else {
            let initdb = try Self.run(runAs + ["\(bin)/initdb", "-D", directory + "/data", "-U", Self.superuser,
                                               "--pwfile=\(passwordFile)", "--auth-local=trust", "--auth-host=scram-sha-256",
                                               "-E", "UTF8", "--no-locale", "--no-instructions"])
            guard initdb.status == 0 else { throw BenchFailure("initdb failed: \(initdb.output)") }
        }
        port = freePort()
        server = Process()
        server.executableURL = URL(fileURLWithPath: runAs.first ?? "\(bin)/postgres")
        server.arguments = Array(runAs.dropFirst()) + (runAs.isEmpty ? [] : ["\(bin)/postgres"]) + [
            "-D", directory + "/data", "-p", "\(port)", "-k", directory, "-c", "listen_addresses=127.0.0.1",
            "-c", "log_min_messages=warning",
        ]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try server.run()
        let deadline = Date().addingTimeInterval(30)
        while (try? Self.run(["\(bin)/pg_isready", "-q", "-h", "127.0.0.1", "-p", "\(port)"]).status) != 0 {
            guard server.isRunning, Date() < deadline else {
                stop()
                throw BenchFailure("postgres did not start on port \(port)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    deinit { stop() }

    /// A fresh empty database, and its URL (the password is in `passwordFile`, never in the URL).
    func createDatabase() throws -> String {
        databases += 1
        let name = "bench_\(databases)"
        let made = try Self.run(["\(bin)/psql", "-X", "-q", "-h", directory, "-p", "\(port)", "-U", Self.superuser,
                                 "-d", "postgres", "-c", "CREATE DATABASE \(name)"])
        guard made.status == 0 else { throw BenchFailure("CREATE DATABASE \(name): \(made.output)") }
        return "postgres://\(Self.superuser)@127.0.0.1:\(port)/\(name)?sslmode=disable"
    }

    /// One-value query through psql over the Unix socket.
    func scalar(_ sql: String, database: String) throws -> String {
        let run = try Self.run(["\(bin)/psql", "-X", "-q", "-A", "-t", "-h", directory, "-p", "\(port)",
                                "-U", Self.superuser, "-d", database, "-c", sql])
        guard run.status == 0 else { throw BenchFailure("psql \(sql): \(run.output)") }
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Cluster-wide counters for a profile of a measurement: the next transaction id (every
    /// committed write transaction takes one; reading it takes none) and the WAL written so far.
    func activity() throws -> (transactions: Int64, walBytes: Int64) {
        let text = try scalar("""
            SELECT pg_snapshot_xmax(pg_current_snapshot())::text || ' ' || pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint
            """, database: "postgres")
        let fields = text.split(separator: " ").compactMap { Int64($0) }
        guard fields.count == 2 else { throw BenchFailure("unexpected activity answer \(text)") }
        return (fields[0], fields[1])
    }

    /// CPU seconds the whole server has used: the postmaster's own and its reaped children's
    /// (cutime + cstime: backends that exited), plus every live child's (backends, WAL writer,
    /// checkpointer...). A difference of two readings is the server's CPU in between.
    func cpuSeconds() -> Double {
        let pid = server.processIdentifier
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var total = Self.statFields(pid, 11...14).reduce(0, +)
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        for child in children.split(separator: " ").compactMap({ Int32($0) }) {
            total += Self.statFields(child, 11...12).reduce(0, +)
        }
        return total / ticks
    }

    /// Fields of /proc/PID/stat after the command name (0 = state; 11, 12 = utime, stime;
    /// 13, 14 = cutime, cstime), in clock ticks.
    private static func statFields(_ pid: Int32, _ range: ClosedRange<Int>) -> [Double] {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return [] }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > range.upperBound else { return [] }
        return range.compactMap { Double(fields[$0]) }
    }

    /// Starts a streaming standby of this server and makes it synchronous (`synchronous_standby_names`
    /// names it, `synchronous_commit = on`): every commit here then returns only once the standby has
    /// flushed it too, as in docs/operations.md, *PostgreSQL with a synchronous standby*. Returns
    /// once `pg_stat_replication` says `sync`.
    func addSynchronousStandby(name: String = "bk_bench_standby") throws {
        let standby = try BenchPostgres(standbyOf: self, applicationName: name)
        self.standby = standby
        _ = try scalar("ALTER SYSTEM SET synchronous_standby_names = '\(name)'", database: "postgres")
        _ = try scalar("ALTER SYSTEM SET synchronous_commit = 'on'", database: "postgres")
        _ = try scalar("SELECT pg_reload_conf()", database: "postgres")
        let deadline = Date().addingTimeInterval(30)
        while (try? scalar("SELECT sync_state FROM pg_stat_replication WHERE application_name = '\(name)'",
                           database: "postgres")) != "sync" {
            guard Date() < deadline else { throw BenchFailure("the standby did not become synchronous within 30 s") }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// Where the standby's WAL receiver connects as `name`, which `synchronous_standby_names`
    /// matches: `pg_basebackup -R` wrote `primary_conninfo` without one, and a later line wins.
    private static func name(standbyData data: String, _ name: String) throws {
        let file = "\(data)/postgresql.auto.conf"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("primary_conninfo = '") }),
              line.hasSuffix("'") else { throw BenchFailure("no primary_conninfo in \(file)") }
        // Appended in place, so the file keeps its owner (the postgres user).
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\(line.dropLast()) application_name=\(name)'\n".utf8))
    }

    /// Fast shutdown (SIGINT), SIGKILL after 10 s; then the directory goes.
    func stop() {
        standby?.stop()
        if server.isRunning {
            kill(server.processIdentifier, SIGINT)
            let deadline = Date().addingTimeInterval(10)
            while server.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if server.isRunning { kill(server.processIdentifier, SIGKILL) }
            server.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func binaries() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["BK_PG_BIN"] { return configured }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        guard let version = versions.first(where: { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") })
        else { throw BenchFailure("no PostgreSQL under \(root) (scripts/setup installs Debian's postgresql)") }
        return "\(root)/\(version)/bin"
    }

    private static func run(_ command: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

/// Which store a benchmark phase runs the gateway on (`--store sqlite|postgres|both`).
enum BenchStoreKind: String, CaseIterable {
    case sqlite, postgres

    static func parse(_ text: String) throws -> [BenchStoreKind] {
        if text == "both" { return [.sqlite, .postgres] }
        guard let kind = BenchStoreKind(rawValue: text) else { throw BenchFailure("--store sqlite|postgres|both, not \(text)") }
        return [kind]
    }
}

/// A fresh database for one measurement: `--database`, its password file and ticket keyring.
struct BenchDatabase {
    let kind: BenchStoreKind
    let database: String
    let passwordFile: String?
    let ticketKeys: String?

    /// SQLite: `dir/bk.sqlite`. PostgreSQL: a new database on `postgres`, the keyring in `dir`.
    static func make(_ kind: BenchStoreKind, directory: String, postgres: BenchPostgres?) throws -> BenchDatabase {
        switch kind {
        case .sqlite:
            return BenchDatabase(kind: kind, database: directory + "/bk.sqlite", passwordFile: nil, ticketKeys: nil)
        case .postgres:
            guard let postgres else { throw BenchFailure("no PostgreSQL server started") }
            return BenchDatabase(kind: kind, database: try postgres.createDatabase(), passwordFile: postgres.passwordFile,
                                 ticketKeys: directory + "/ticket-keys")
        }
    }

    /// The store as the gateway opens it, for what the benchmark writes before and reads after.
    func open() throws -> any GatewayStore {
        try StoreOpener.open(database, passwordFile: passwordFile).store
    }

    /// `serve`'s arguments for this database.
    var serveArguments: [String] {
        ["--database", database] + (passwordFile.map { ["--database-password-file", $0] } ?? [])
            + (ticketKeys.map { ["--ticket-keys", $0] } ?? [])
    }
}
