import Foundation
import LoopbackTools
import Synchronization

/// A throw-away PostgreSQL server for tests: `initdb` in a temporary directory, then the server
/// itself on a free loopback port, its socket in that directory. Tests share one server per process
/// (`shared()`) and isolate themselves with a fresh database each (`createDatabase()`).
///
/// The server is our child, not a daemon: `pg_ctl start` would detach it, so a killed `swift test`
/// would leave it running. Started through `ChildProcess` (and `setpriv --pdeathsig KILL` when it
/// must drop root), the kernel SIGKILLs it when the test process dies, and its backends follow it.
/// PostgreSQL refuses to run as root: as root, every PostgreSQL program runs as the `postgres`
/// user, which owns the directory.
public final class ThrowawayPostgres: Sendable {
    public static let superuser = "postgres"
    /// The superuser's password over TCP (scram-sha-256); the Unix socket trusts everyone.
    public static let password = "throwaway"

    public let host = "127.0.0.1"
    public let port: Int
    /// Where initdb, postgres, psql and pg_isready are.
    public let binDirectory: String
    public var socketDirectory: String { directory.path }
    private let directory: TemporaryDirectory
    private let runAs: [String]
    private let server = Mutex<ChildProcess?>(nil)
    private let databases = Atomic<Int>(0)

    /// Starts a server of its own (for a test that stops or restarts it); most tests use `shared()`.
    public convenience init() throws {
        try self.init(standbyOf: nil, applicationName: nil)
    }

    /// A new server: initdb'd, or, with `primary`, a streaming-replication standby of it
    /// (pg_basebackup -R), read-only until `promote()`, connecting to it as `applicationName`.
    private init(standbyOf primary: ThrowawayPostgres?, applicationName: String?) throws {
        binDirectory = try Self.findBinaries()
        directory = TemporaryDirectory("bk-pg")
        runAs = try Self.dropRoot(owning: directory.path)
        let data = "\(directory.path)/data"
        let program: String, arguments: [String]
        if let primary {
            (program, arguments) = Self.command(runAs, "\(binDirectory)/pg_basebackup", [
                "-D", data, "-R", "-X", "stream", "--no-sync", "-h", primary.socketDirectory,
                "-p", String(primary.port), "-U", Self.superuser,
            ])
        } else {
            let passwordFile = directory.file("pwfile")
            try Self.password.write(toFile: passwordFile, atomically: false, encoding: .utf8)
            try Self.giveToPostgres(passwordFile, runAs: runAs)
            (program, arguments) = Self.command(runAs, "\(binDirectory)/initdb", [
                "-D", data, "-U", Self.superuser, "--pwfile=\(passwordFile)",
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync",
                "--no-instructions",
            ])
        }
        let made = try runTool(program, arguments)
        guard made.status == 0 else {
            throw ThrowawayPostgresError("\(program) \(arguments.joined(separator: " ")) failed (\(made.status)): "
                + made.errors + made.output)
        }
        if let applicationName { try Self.name(standbyData: data, applicationName) }
        // A free port can be taken between our probe and the server's bind: try a few.
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = freePort()
            do {
                let child = try Self.start(port: port, binDirectory: binDirectory, directory: directory.path,
                                           runAs: runAs)
                server.withLock { $0 = child }
                self.port = port
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? ThrowawayPostgresError("postgres did not start")
    }

    /// A standby of this server, streaming from it (for failover tests: several hosts in one URL).
    public func makeStandby() throws -> ThrowawayPostgres {
        try ThrowawayPostgres(standbyOf: self, applicationName: nil)
    }

    /// A standby this server waits for: `synchronous_standby_names` names it and
    /// `synchronous_commit = on`, so a COMMIT here returns only once the standby has flushed its
    /// WAL. Returns once the primary reports the standby as `sync` (within `timeout`).
    public func makeSynchronousStandby(name: String = "bk_standby", timeout: Duration = .seconds(30)) throws
        -> ThrowawayPostgres
    {
        let standby = try ThrowawayPostgres(standbyOf: self, applicationName: name)
        do {
            try psql("ALTER SYSTEM SET synchronous_standby_names = '\(name)'")
            try psql("ALTER SYSTEM SET synchronous_commit = 'on'")
            try psql("SELECT pg_reload_conf()")
            let sync = eventually(timeout: timeout, every: .milliseconds(100)) {
                (try? self.psql("SELECT sync_state FROM pg_stat_replication WHERE application_name = '\(name)'")) == "sync"
            }
            guard sync else { throw ThrowawayPostgresError("standby \(name) did not become synchronous within \(timeout)") }
        } catch {
            standby.stop()
            throw error
        }
        return standby
    }

    /// Ends a standby's recovery: it becomes a writable primary (what a failover does).
    public func promote() throws {
        let promoted = try psql("SELECT pg_promote(true, 30)")
        guard promoted == "t" else { throw ThrowawayPostgresError("pg_promote answered \(promoted)") }
    }

    deinit { stop() }

    /// The server the whole test process shares, started on first use and stopped at exit.
    public static func shared() throws -> ThrowawayPostgres { try sharedServer.get() }

    private static let sharedServer: Result<ThrowawayPostgres, any Error> = {
        removeAbandonedDirectories()
        let result = Result { try ThrowawayPostgres() }
        // A static is never deinitialised: stop the server (and remove its files) at exit. Were the
        // process killed instead, the parent-death signal still takes the server down.
        if case .success = result { atexit { ThrowawayPostgres.stopSharedAtExit() } }
        return result
    }()

    private static func stopSharedAtExit() {
        guard case .success(let postgres) = sharedServer else { return }
        postgres.stop()
        try? FileManager.default.removeItem(atPath: postgres.directory.path)
    }

    /// A killed test process leaves its server's directory (its server died with it): remove those
    /// whose postmaster is gone, and those an interrupted initdb left over an hour ago. Only
    /// directories untouched for five minutes: initdb's bootstrap backends leave a pid file of a
    /// process that has exited while another test process is still initialising the directory.
    private static func removeAbandonedDirectories() {
        let base = FileManager.default.temporaryDirectory.path
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix("bk-pg-") {
            let path = "\(base)/\(name)"
            let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
            guard let modified, modified.timeIntervalSinceNow < -300 else { continue }
            let pidFile = "\(path)/data/postmaster.pid"
            let abandoned: Bool
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
               let pid = Int32(text.split(separator: "\n").first ?? "") {
                abandoned = kill(pid, 0) != 0 && errno == ESRCH
            } else {
                abandoned = modified.timeIntervalSinceNow < -3600
            }
            if abandoned { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    /// A URL for `database` as the superuser over TCP; the password is not in it (pass
    /// `ThrowawayPostgres.password` to the pool, or write it to a password file).
    public func url(database: String, user: String = ThrowawayPostgres.superuser) -> String {
        "postgres://\(user)@\(host):\(port)/\(database)?sslmode=disable"
    }

    /// A URL naming this server and then `others` (e.g. its standby) for `database`: the pool
    /// tries them in order for a writable one, so it follows a promotion by itself.
    public func url(database: String, thenTrying others: [ThrowawayPostgres]) -> String {
        let hosts = ([self] + others).map { "\($0.host):\($0.port)" }.joined(separator: ",")
        return "postgres://\(Self.superuser)@\(hosts)/\(database)?sslmode=disable&target_session_attrs=read-write"
    }

    /// Creates an empty database with a name no other test of the process uses, and returns it.
    public func createDatabase() throws -> String {
        let name = "bk_\(getpid())_\(databases.add(1, ordering: .relaxed).newValue)"
        _ = try psql("CREATE DATABASE \(name)")
        return name
    }

    /// Runs SQL through psql over the Unix socket as the superuser; returns psql's unaligned output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let run = try runTool("\(binDirectory)/psql", [
            "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory.path, "-p", String(port),
            "-U", Self.superuser, "-d", database, "-c", sql,
        ])
        guard run.status == 0 else { throw ThrowawayPostgresError("psql \(sql): \(run.errors)") }
        return run.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Where the standby's WAL receiver connects as `name` (what `synchronous_standby_names`
    /// matches): pg_basebackup -R wrote `primary_conninfo` without one; a later line wins.
    private static func name(standbyData data: String, _ name: String) throws {
        let file = "\(data)/postgresql.auto.conf"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("primary_conninfo = '") }),
              line.hasSuffix("'") else {
            throw ThrowawayPostgresError("no primary_conninfo in \(file)")
        }
        // Appended in place (not a new file), so the file keeps its owner.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\(line.dropLast()) application_name=\(name)'\n".utf8))
    }

    /// The postmaster's process id, while it runs.
    public var postmasterPID: Int32? {
        server.withLock { $0?.isRunning == true ? $0?.process.processIdentifier : nil }
    }

    /// Stops the server the way a clean `pg_ctl restart -m fast` does and starts it again on the
    /// same port and data: every client connection is cut. Also starts a server `stop()` stopped.
    public func restart() throws {
        shutDown(signal: SIGINT)
        let child = try Self.start(port: port, binDirectory: binDirectory, directory: directory.path, runAs: runAs)
        server.withLock { $0 = child }
    }

    /// Immediate shutdown (`pg_ctl stop -m immediate`); SIGKILL if it takes more than 10 s.
    public func stop() { shutDown(signal: SIGQUIT) }

    private func shutDown(signal: Int32) {
        guard let child = server.withLock({ server -> ChildProcess? in defer { server = nil }; return server }) else {
            return
        }
        guard child.isRunning else { return }
        kill(child.process.processIdentifier, signal)
        if !eventually(timeout: .seconds(10), { !child.isRunning }) { child.kill() }
    }

    private static func start(port: Int, binDirectory: String, directory: String, runAs: [String]) throws
        -> ChildProcess
    {
        let postgres = "\(binDirectory)/postgres"
        let arguments = [
            "-D", "\(directory)/data", "-p", String(port), "-k", directory,
            "-c", "listen_addresses=127.0.0.1",
            // Throw-away data: no fsync, small memory, quiet logs.
            "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "shared_buffers=16MB",
            "-c", "max_connections=200", "-c", "log_min_messages=warning",
        ]
        // setpriv's change of user clears the parent-death signal ChildProcess set: set it again.
        let (program, fullArguments) = command(runAs.isEmpty ? [] : runAs + ["--pdeathsig=KILL"], postgres, arguments)
        let child = try ChildProcess(executable: program, arguments: fullArguments, logDirectory: directory)
        let ready = eventually(timeout: .seconds(30), every: .milliseconds(50)) {
            guard child.isRunning else { return true }
            let probe = try? runTool("\(binDirectory)/pg_isready", ["-q", "-h", "127.0.0.1", "-p", String(port)])
            return probe?.status == 0
        }
        guard ready, child.isRunning else {
            let log = child.stderr
            child.kill()
            throw ThrowawayPostgresError("postgres did not start on port \(port): \(log)")
        }
        return child
    }

    /// `program arguments`, run through the `runAs` prefix when there is one.
    private static func command(_ runAs: [String], _ program: String, _ arguments: [String]) -> (String, [String]) {
        guard let first = runAs.first else { return (program, arguments) }
        return (first, Array(runAs.dropFirst()) + ["--", program] + arguments)
    }

    /// The newest PostgreSQL's programs (Debian keeps each major version apart), or $BK_PG_BIN.
    private static func findBinaries() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["BK_PG_BIN"] { return configured }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        throw ThrowawayPostgresError("no PostgreSQL under \(root) (scripts/setup installs Debian's postgresql)")
    }

    /// As root, the prefix that runs a program as `postgres`, and the directory handed to that user;
    /// otherwise no prefix (we are not root, so PostgreSQL runs as us).
    private static func dropRoot(owning directory: String) throws -> [String] {
        guard getuid() == 0 else { return [] }
        guard getpwnam(superuser) != nil else {
            throw ThrowawayPostgresError("running as root and no '\(superuser)' user to run PostgreSQL as "
                + "(Debian's postgresql package creates it)")
        }
        let setpriv = "/usr/bin/setpriv"
        guard FileManager.default.isExecutableFile(atPath: setpriv) else {
            throw ThrowawayPostgresError("\(setpriv) missing (util-linux)")
        }
        let runAs = [setpriv, "--reuid=\(superuser)", "--regid=\(superuser)", "--init-groups"]
        try giveToPostgres(directory, runAs: runAs)
        return runAs
    }

    private static func giveToPostgres(_ path: String, runAs: [String]) throws {
        guard !runAs.isEmpty, let user = getpwnam(superuser) else { return }
        guard chown(path, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
            throw ThrowawayPostgresError("chown \(path) to \(superuser): \(String(cString: strerror(errno)))")
        }
    }
}

public struct ThrowawayPostgresError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
