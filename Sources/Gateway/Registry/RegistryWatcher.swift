import Foundation
import Logging
import Synchronization

/// Reloads the registry on SIGHUP or when the file's modification time changes.
/// A file that fails to parse keeps the previous registry in force and says why.
final class RegistryWatcher: Sendable {
    private let path: String
    private let apply: @Sendable (String) throws -> Int
    private let logger: Logger
    private let lastModified = Mutex<Date?>(nil)
    private let signalSource = Mutex<SignalSourceBox?>(nil)

    /// `apply` loads and installs the file and returns its device count.
    init(path: String, logger: Logger, apply: @escaping @Sendable (String) throws -> Int) {
        self.path = path
        self.apply = apply
        self.logger = logger
        lastModified.withLock { $0 = Self.modificationDate(path) }
    }

    func listenForSIGHUP() {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { [self] in self.reload(reason: "SIGHUP") }
        source.resume()
        let box = SignalSourceBox(source: source)
        signalSource.withLock { $0 = box }
    }

    func stop() {
        signalSource.withLock { $0?.source.cancel(); $0 = nil }
    }

    /// Called periodically.
    func checkForChange() {
        let current = Self.modificationDate(path)
        let changed = lastModified.withLock { last -> Bool in
            defer { last = current }
            return current != nil && current != last
        }
        if changed { reload(reason: "file changed") }
    }

    func reload(reason: String) {
        do {
            let devices = try apply(path)
            logger.notice("registry reloaded", metadata: ["reason": "\(reason)", "devices": "\(devices)"])
        } catch {
            logger.error("registry reload failed; keeping the previous one", metadata: ["error": "\(error)"])
        }
    }

    static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}

/// `@unchecked Sendable`: dispatch sources are thread-safe objects; Swift just has no
/// annotation saying so.
private final class SignalSourceBox: @unchecked Sendable {
    let source: any DispatchSourceSignal
    init(source: any DispatchSourceSignal) { self.source = source }
}
