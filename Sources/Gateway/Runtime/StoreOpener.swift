import Foundation
import KitchenModel
import Logging
import PostgresStorage
import Storage
import StorageModel

/// Opens the backend `--database` names: the only place besides the command line that knows both.
public enum StoreOpener {
    /// An opened store; `sqlitePath` when it is SQLite (its WAL then wants a `Checkpointer`).
    public struct Opened: Sendable {
        public let store: any GatewayStore
        public let sqlitePath: String?
    }

    /// Why a store could not be opened, with what the operator can do.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `automaticCheckpoints: false` when a `Checkpointer` will fold SQLite's WAL (the gateway);
    /// the command line's short-lived opens leave it to SQLite.
    public static func open(_ text: String, passwordFile: String? = nil, automaticCheckpoints: Bool = true,
                            now: EpochMillis = EpochMillis(Date().timeIntervalSince1970 * 1000),
                            logger: Logger = Logger(label: "bk.store"), fence: ShardFence? = nil) throws -> Opened {
        let location: StoreLocation
        do { location = try StoreLocation(text) } catch { throw Failure(description: "\(error)") }
        switch location {
        case .sqlite(let path):
            if fence != nil {
                throw Failure(description: "shards and leases need a postgres:// database, not the SQLite file \(path)")
            }
            if passwordFile != nil {
                throw Failure(description: "--database-password-file is for a postgres:// database, not the SQLite file \(path)")
            }
            return Opened(store: try Store(path: path, automaticCheckpoints: automaticCheckpoints), sqlitePath: path)
        case .postgres(let url):
            do {
                let store: PostgresStore
                if let fence {
                    store = try PostgresStore.open(url: url, passwordFile: passwordFile, fence: fence, logger: logger)
                } else {
                    store = try PostgresStore.open(url: url, passwordFile: passwordFile, now: now, logger: logger)
                }
                return Opened(store: store, sqlitePath: nil)
            } catch {
                throw Failure(description: "cannot open the database \(location): \(error)")
            }
        }
    }
}
