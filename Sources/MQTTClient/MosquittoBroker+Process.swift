import CProcessShim
import Foundation
import Logging

// Process and socket plumbing for MosquittoBroker: spawning, reaping, pid files, ports.

extension MosquittoBroker {
    /// A loopback port nobody listens on right now, found by binding port 0.
    public static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw posixError("create a socket") }
        defer { close(fd) }
        var address = loopbackAddress(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw posixError("bind 127.0.0.1:0") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw posixError("read the bound port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Fails early with a clear message rather than letting mosquitto exit on "Address already in use"
    /// while whatever holds the port answers our readiness probe.
    static func ensurePortFree(_ port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw posixError("create a socket") }
        defer { close(fd) }
        var reuse: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = loopbackAddress(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw posixError("reserve 127.0.0.1:\(port) for mosquitto (is another broker running?)") }
    }

    static func acceptsConnections(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopbackAddress(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func loopbackAddress(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(INADDR_LOOPBACK).bigEndian
        return address
    }

    /// mosquitto's own message for an unreadable certificate ends up in its log only; this
    /// names the file before it starts.
    static func requireReadable(_ path: String, _ what: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw MosquittoBrokerError(operation: "read the broker's \(what) '\(path)'",
                                       reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
    }

    static func findBinary() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/opt/homebrew/sbin/mosquitto"]
            + path.split(separator: ":").map { "\($0)/mosquitto" }
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw MosquittoBrokerError(operation: "find the mosquitto binary",
                                       reason: "not in /usr/sbin or PATH; install it (Debian: apt-get install mosquitto)")
        }
        return binary
    }

    static func makeTemporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/brightkitchen-mosquitto-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw posixError("create a temporary directory") }
        return String(cString: created)
    }

    /// Through CProcessShim rather than Foundation.Process: the broker inherits none of our sockets
    /// (a client socket held open by the child would hide a dropped connection from the broker),
    /// starts with no signals blocked (runtime worker threads block them: mosquitto would never
    /// see our SIGTERM), and gets SIGTERM from the kernel when this process dies, even by SIGKILL:
    /// it saves its persistence file on the way out, so the gateway's session and queue survive
    /// a gateway crash as they survive a graceful stop.
    static func spawn(_ binary: String, arguments: [String], stderrPath: String) throws -> pid_t {
        let stderrFD = open(stderrPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard stderrFD >= 0 else { throw posixError("open \(stderrPath)") }
        defer { close(stderrFD) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let pid = bk_spawn_bound(binary, argv, environ, nil, -1, -1, stderrFD, SIGTERM)
        guard pid > 0 else { throw posixError("launch \(binary)") }
        return pid
    }

    /// Waits for our child to exit and collects it; false if it is still running at the deadline.
    func reap(_ pid: pid_t, within timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while ContinuousClock.now < deadline {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno == ECHILD) { return true }
            usleep(10_000)
        }
        return false
    }

    /// A pid file left by a crashed earlier run means its broker may still hold the port and the
    /// persistence file. End it, but only if that pid really is a live mosquitto: pids get reused.
    static func endStaleBroker(pidFile: String, logger: Logger) throws {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return }
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        guard isLiveMosquitto(pid) else { return }
        logger.warning("ending a mosquitto left running by an earlier run", metadata: ["pid": "\(pid)", "pidFile": .string(pidFile)])
        _ = sendSignal(SIGTERM, to: pid)
        var status: Int32 = 0
        for attempt in 0..<300 {
            _ = waitpid(pid, &status, WNOHANG)  // reaps it if it happens to be our own child
            if !isLiveMosquitto(pid) { return }
            if attempt == 200 { _ = sendSignal(SIGKILL, to: pid) }
            usleep(10_000)
        }
        throw MosquittoBrokerError(operation: "end stale mosquitto pid \(pid) from \(pidFile)", reason: "it is still running")
    }

    /// True for a running (not zombie) process whose command name is mosquitto.
    static func isLiveMosquitto(_ pid: pid_t) -> Bool {
        guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
              comm.trimmingCharacters(in: .whitespacesAndNewlines) == "mosquitto",
              let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ") ", options: .backwards) else { return false }
        return stat[afterName.upperBound...].first != "Z"
    }
}

/// The C `kill`, under a name that methods called `kill()` do not shadow.
func sendSignal(_ signal: Int32, to pid: pid_t) -> Int32 {
    kill(pid, signal)
}

private func posixError(_ operation: String) -> MosquittoBrokerError {
    MosquittoBrokerError(operation: operation, reason: String(cString: strerror(errno)))
}
