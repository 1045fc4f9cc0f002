import Foundation
import KitchenModel
import Logging

/// The registry file, parsed again only when its modification time changed: the supervisors of
/// ingest instances and vision workers and a web replica's refresher ask every second, and
/// parsing a province's registry (12,000 devices) each time kept a vision worker a quarter of a core
/// busy in YAML alone. A file that fails to parse keeps the last registry in force and says why
/// (as `RegistryWatcher` does for a gateway); with none yet, the error is thrown.
struct RegistryFileCache: Sendable {
    let path: String
    private var modified: Date?
    private(set) var registry: Registry?
    /// Counts the loads that succeeded, so a caller can tell a new registry from the one it had.
    private(set) var generation = 0

    init(path: String) {
        self.path = path
    }

    /// The registry as the file now has it; nil, with the reason logged, while there is none.
    mutating func current(logger: Logger) -> Registry? {
        do {
            return try load(logger: logger)
        } catch {
            logger.error("cannot read the registry", metadata: ["path": "\(path)", "error": "\(error)"])
            return nil
        }
    }

    /// The registry as the file now has it; throws when there is none.
    mutating func load(logger: Logger) throws -> Registry {
        let now = RegistryWatcher.modificationDate(path)
        if let registry, now != nil, now == modified { return registry }
        do {
            let loaded = try RegistryFile.load(path: path)
            registry = loaded
            modified = now
            generation += 1
            return loaded
        } catch {
            guard let registry else { throw error }
            logger.error("cannot read the registry; keeping the last one", metadata: ["error": "\(error)"])
            modified = now
            return registry
        }
    }
}
