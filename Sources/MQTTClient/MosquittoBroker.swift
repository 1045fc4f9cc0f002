import Foundation
import Logging
import Synchronization

/// A private `mosquitto` child process on a loopback port: the gateway's embedded default
/// broker, and the real broker behind the tests.
public final class MosquittoBroker: Sendable {
    public let options: Options
    public let port: Int
    /// Holds mosquitto.conf, mosquitto.log, mosquitto.pid and, with persistence, mosquitto.db.
    public let directory: String
    private let ownsDirectory: Bool
    private let logger: Logger
    private let process = Mutex<pid_t?>(nil)

    public var url: String { "mqtt://127.0.0.1:\(port)" }
    /// The TLS listener's address as devices would name it, nil without one. A wildcard bind
    /// address is given as loopback; devices use the host name the certificate was made for.
    public var tlsURL: String? {
        options.tlsListener.map { "mqtts://\($0.host == "0.0.0.0" ? "127.0.0.1" : $0.host):\($0.port)" }
    }
    public var logFile: String { directory + "/mosquitto.log" }
    var configFile: String { directory + "/mosquitto.conf" }
    var pidFile: String { directory + "/mosquitto.pid" }
    var stderrFile: String { directory + "/mosquitto.stderr" }

    /// The running broker's process id, nil once stopped or killed.
    public var pid: Int32? { process.withLock { $0 } }

    private init(options: Options, port: Int, directory: String, ownsDirectory: Bool, logger: Logger) {
        self.options = options
        self.port = port
        self.directory = directory
        self.ownsDirectory = ownsDirectory
        self.logger = logger
    }

    deinit {
        stop()
    }

    /// Writes the config, ends a broker left running from a crashed earlier run in the same
    /// directory, launches mosquitto and returns once its port accepts connections.
    public static func start(options: Options = Options(),
                             logger: Logger = Logger(label: "MosquittoBroker")) throws -> MosquittoBroker {
        let broker = try configured(options: options, logger: logger)
        do {
            try broker.launch()
        } catch {
            broker.removeOwnedDirectory()
            throw error
        }
        return broker
    }

    /// A broker with its directory and port decided but no process yet: `launch()` starts it.
    /// Lets a service group's owner know the broker's address before anything runs.
    public static func configured(options: Options = Options(),
                                  logger: Logger = Logger(label: "MosquittoBroker")) throws -> MosquittoBroker {
        let directory: String
        if let dataDirectory = options.dataDirectory {
            directory = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw MosquittoBrokerError(operation: "create data directory \(directory)", reason: "\(error)")
            }
        } else {
            directory = try makeTemporaryDirectory()
        }
        return MosquittoBroker(options: options, port: try options.port ?? freeLoopbackPort(),
                               directory: directory, ownsDirectory: options.dataDirectory == nil, logger: logger)
    }

    /// True when `port` can be given to a broker keeping its files in `dataDirectory`: nobody
    /// listens on it, or only a mosquitto a crashed earlier run left there (`launch()` ends it).
    public static func portIsUsable(_ port: Int, dataDirectory: String) -> Bool {
        if (try? ensurePortFree(port)) != nil { return true }
        let pidFile = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path + "/mosquitto.pid"
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return false }
        return isLiveMosquitto(pid)
    }

    /// SIGTERM (mosquitto saves its persistence file), up to 5 s, then SIGKILL. Idempotent.
    /// Removes the directory if it was a temporary one.
    public func stop() {
        terminate()
        removeOwnedDirectory()
    }

    /// Stops and starts again on the same port with the same directory, so persistent
    /// sessions and their queued messages come back.
    public func restart() throws {
        terminate()
        try launch()
    }

    /// SIGKILL, as a crash would: nothing is saved beyond the last autosave. `restart()` brings it back.
    public func kill() {
        guard let pid = process.withLock({ pid in defer { pid = nil }; return pid }) else { return }
        _ = sendSignal(SIGKILL, to: pid)
        _ = reap(pid, within: .seconds(5))
        logger.info("mosquitto killed", metadata: ["pid": "\(pid)"])
    }

    private func terminate() {
        guard let pid = process.withLock({ pid in defer { pid = nil }; return pid }) else { return }
        _ = sendSignal(SIGTERM, to: pid)
        if !reap(pid, within: .seconds(5)) {
            logger.warning("mosquitto ignored SIGTERM for 5 s; killing it", metadata: ["pid": "\(pid)"])
            _ = sendSignal(SIGKILL, to: pid)
            _ = reap(pid, within: .seconds(5))
        }
        try? FileManager.default.removeItem(atPath: pidFile)
        logger.info("mosquitto stopped", metadata: ["pid": "\(pid)"])
    }

    /// Starts mosquitto (after `configured`, or again after `stop()`) and returns once its port
    /// accepts connections. Does nothing while it runs.
    public func launch() throws {
        guard pid == nil else { return }
        try Self.endStaleBroker(pidFile: pidFile, logger: logger)
        try Self.ensurePortFree(port)
        if let tls = options.tlsListener {
            if tls.isLocallyReachable { try Self.ensurePortFree(tls.port) }
            try Self.requireReadable(tls.certificateFile, "TLS certificate")
            try Self.requireReadable(tls.keyFile, "TLS private key")
        }
        let config = Self.configText(options: options, port: port, directory: directory,
                                     persistence: options.dataDirectory != nil)
        do {
            try config.write(toFile: configFile, atomically: true, encoding: .utf8)
        } catch {
            throw MosquittoBrokerError(operation: "write \(configFile)", reason: "\(error)")
        }
        let binary = try Self.findBinary()
        let logOffset = ((try? FileManager.default.attributesOfItem(atPath: logFile))?[.size] as? NSNumber)?.uint64Value ?? 0
        let pid = try Self.spawn(binary, arguments: ["-c", configFile], stderrPath: stderrFile)
        process.withLock { $0 = pid }
        try? "\(pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        do {
            try waitUntilListening(pid: pid, logOffset: logOffset, within: .seconds(5))
        } catch {
            terminate()
            throw error
        }
        logger.info("mosquitto started", metadata: ["pid": "\(pid)", "url": .string(url), "directory": .string(directory)])
    }

    private func removeOwnedDirectory() {
        if ownsDirectory {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// The last lines of mosquitto's log and stderr, for error messages.
    func diagnosticTail(lines count: Int = 15) -> String {
        [logFile, stderrFile].compactMap { path -> String? in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty else { return nil }
            let tail = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(count)
            return "--- \(path)\n" + tail.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Whether mosquitto logged that all its listeners are up since the log had `offset` bytes.
    private func logSaysRunning(after offset: UInt64) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: logFile) else { return false }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let text = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        return text.contains(" running\n")
    }

    private func waitUntilListening(pid: pid_t, logOffset: UInt64, within timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                process.withLock { $0 = nil }
                throw MosquittoBrokerError(operation: "start mosquitto on port \(port)",
                                           reason: "it exited with status \(status)\n\(diagnosticTail())")
            }
            // mosquitto loads a TLS listener's certificate and key only after that socket listens,
            // and exits if they are bad: with TLS, only its "running" log line means ready.
            if Self.acceptsConnections(port: port),
               options.tlsListener == nil || logSaysRunning(after: logOffset) {
                return
            }
            usleep(20_000)
        }
        throw MosquittoBrokerError(operation: "start mosquitto on port \(port)",
                                   reason: "port not accepting connections after \(timeout)\n\(diagnosticTail())")
    }
}

/// A broker that could not be started, with mosquitto's own words where there are any.
public struct MosquittoBrokerError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let reason: String

    public var description: String { "MosquittoBroker: \(operation) failed: \(reason)" }
}
