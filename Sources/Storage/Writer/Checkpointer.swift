import Foundation
import GRDB
import KitchenModel
import StorageModel
import Logging

/// Folds the WAL back into the database file from its own connection and thread, so the
/// checkpoint's copying and fsync never run inside an ingest commit. SQLite's automatic
/// checkpoint runs in whichever commit crosses the threshold; a durable message waiting behind
/// that commit waited for the disk (the alarm-latency tail in docs/benchmarks.md).
///
/// PASSIVE checkpoints take no lock a writer needs: commits go on while pages are copied. Under
/// sustained writes they never copy every frame, so the writer keeps a backstop of its own
/// (`Store.backstopCheckpointPages`) that lets the WAL start again from its beginning.
public final class Checkpointer: Sendable {
    private let path: String
    private let interval: Duration
    private let minimumWALBytes: Int
    private let logger: Logger
    private let state = StopFlag()

    public init(path: String, interval: Duration = .milliseconds(500), minimumWALBytes: Int = 1 << 20, logger: Logger) {
        self.path = path
        self.interval = interval
        self.minimumWALBytes = minimumWALBytes
        self.logger = logger
    }

    public func start() throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        NamedThread.start("bk-checkpoint") { [self] in run(connection) }
    }

    public func stop() { state.stop() }

    private func run(_ connection: DatabaseQueue) {
        let seconds = interval.inSeconds
        while !state.stopped {
            Thread.sleep(forTimeInterval: seconds)
            let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            guard walSize >= minimumWALBytes else { continue }
            do {
                try connection.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                // The writer's backstop checkpoint is running (`Store.backstopCheckpointPages`);
                // one at a time, and this one will come round again.
                logger.debug("background checkpoint skipped: another is running")
            } catch {
                logger.warning("background checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// A flag one thread sets and another polls.
private final class StopFlag: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = false

    var stopped: Bool { lock.withLock { value } }
    func stop() { lock.withLock { value = true } }
}
