import Foundation

/// A program started for a test, its output captured to files so a test can wait for
/// a line (e.g. a failpoint announcing itself) and kill it at that moment.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` is only mutated in init; Process itself is thread-safe for
    // the calls used here (terminate, processIdentifier, isRunning).
    public let process = Process()
    public let stdoutPath: String
    public let stderrPath: String

    public init(executable: String, arguments: [String], environment: [String: String] = [:],
                workingDirectory: String? = nil, logDirectory: String) throws {
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let stamp = UUID().uuidString.prefix(6)
        stdoutPath = "\(logDirectory)/\(name)-\(stamp).out"
        stderrPath = "\(logDirectory)/\(name)-\(stamp).err"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
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

/// A TCP port on 127.0.0.1 that was free a moment ago.
public func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
