import Foundation
import KitchenModel
import Logging
import PostgresStorage
import ServiceLifecycle

/// A web replica's LISTEN (docs/scale-out.md, "Web replicas"): `bk_batch` notifications, sent by
/// the database at the commit of any batch change whoever made it (migration "v10-change-notify"),
/// drop the batch from this replica's cache, so its lookup pages show a recall at once; after a
/// lost connection every batch is dropped, since notifications were missed meanwhile. Also wakes
/// `ReplicaAlarms` waiting for an answer (`bk_alarm_answer`).
public final class ReplicaChanges: Service, Sendable {
    let listener: PostgresChangeListener

    init(database: PostgresDatabase, batches: BatchCache, answers: AlarmAnswerWaiters, logger: Logger) {
        listener = PostgresChangeListener(
            database: database, channels: ["bk_batch", "bk_alarm_answer"], logger: logger,
            onNotification: { channel, payload in
                switch channel {
                case "bk_batch": if let id = BatchID(payload) { batches.forget(id) } else { batches.forgetAll() }
                default: if let id = Int64(payload) { answers.wake(id) }
                }
            },
            onListening: {
                batches.forgetAll()
                answers.wakeAll()
            })
    }

    public var isListening: Bool { listener.isListening }

    public func run() async throws {
        let listener = listener
        NamedThread.start("bk-web-listen") { listener.run() }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }
        listener.stop()
    }
}
