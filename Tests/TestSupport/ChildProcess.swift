import CProcessShim
import Foundation
import Synchronization

/// A program started for a test, its output captured to files so a test can wait for
/// a line (e.g. a failpoint announcing itself) and kill it at that moment.
///
/// Started through CProcessShim, so the kernel SIGKILLs it when the test process dies (a crashed
/// or killed `swift test` leaves no gateway or broker behind).
public final class ChildProcess: Sendable {
    public let process: SpawnedProcess
    public let stdoutPath: String
    public let stderrPath: String

    public init(executable: String, arguments: [String], environment: [String: String] = [:],
                workingDirectory: String? = nil, logDirectory: String) throws {
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let stamp = UUID().uuidString.prefix(6)
        stdoutPath = "\(logDirectory)/\(name)-\(stamp).out"
        stderrPath = "\(logDirectory)/\(name)-\(stamp).err"
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process = try SpawnedProcess(executable: executable, arguments: arguments,
                                     environment: merged.map { "\($0.key)=\($0.value)" },
                                     workingDirectory: workingDirectory, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    public var isRunning: Bool { process.isRunning }

    /// SIGKILL: no cleanup, no flush, exactly like a crash or the OOM killer.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait (bounded), then SIGKILL.
    public func terminate(timeout: Duration = .seconds(10)) {
        guard process.isRunning else { return }
        process.terminate()
        if !eventually(timeout: timeout, { !process.isRunning }) { kill() }
    }

    deinit { kill() }
}

/// The part of Foundation's `Process` the tests use, for a child started by `bk_spawn_bound`.
public final class SpawnedProcess: Sendable {
    public let processIdentifier: Int32
    /// The raw wait status once collected.
    private let status = Mutex<Int32?>(nil)

    init(executable: String, arguments: [String], environment: [String], workingDirectory: String?,
         stdoutPath: String, stderrPath: String) throws {
        let out = open(stdoutPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let err = open(stderrPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer { if out >= 0 { close(out) }; if err >= 0 { close(err) } }
        guard out >= 0, err >= 0 else { throw SpawnError(what: "open \(stdoutPath)", code: errno) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        let pid = bk_spawn_bound(executable, argv, envp, workingDirectory, -1, out, err, SIGKILL)
        guard pid > 0 else { throw SpawnError(what: "start \(executable)", code: errno) }
        processIdentifier = pid
    }

    /// Collects the exit without blocking. The lock is held across a WNOHANG waitpid (no I/O, never
    /// blocks) so that two callers cannot both reap: the second would see ECHILD and no status.
    private func poll() -> Int32? {
        status.withLock { status in
            if status == nil {
                var raw: Int32 = 0
                if waitpid(processIdentifier, &raw, WNOHANG) == processIdentifier { status = raw }
            }
            return status
        }
    }

    public var isRunning: Bool { poll() == nil }

    public func waitUntilExit() {
        while poll() == nil { usleep(5_000) }
    }

    public func terminate() { _ = kill(processIdentifier, SIGTERM) }

    /// The exit code, or the signal's number after an uncaught signal (as Foundation reports it).
    public var terminationStatus: Int32 {
        guard let raw = poll() else { return 0 }
        return raw & 0x7f == 0 ? (raw >> 8) & 0xff : raw & 0x7f
    }

    public var terminationReason: Process.TerminationReason {
        guard let raw = poll() else { return .exit }
        return raw & 0x7f == 0 ? .exit : .uncaughtSignal
    }
}

struct SpawnError: Error, CustomStringConvertible {
    let what: String
    let code: Int32
    var description: String { "\(what): \(String(cString: strerror(code)))" }
}

