import Foundation
import KitchenModel
import Logging
import PostgresStorage

/// The owner's side of alarm actions taken on web replicas (docs/scale-out.md, "Web replicas"):
/// each instance LISTENs on `bk_alarm_request` and, when woken (or every second, in case a
/// notification was missed), applies the pending requests of each shard it holds with that shard's
/// alarm engine, on the shard's fenced pool, so a stale owner takes none.
extension IngestSupervisor {
    /// Starts the listener and the serving thread; the returned closure stops both.
    func startAlarmRequests() -> @Sendable () -> Void {
        let wake = DispatchSemaphore(value: 0)
        let stop = StopSignal()
        // Batch changes too: a recall made on a web replica stops this instance's ticket desks at once.
        let listener = PostgresChangeListener(
            database: leases.database, channels: ["bk_alarm_request", "bk_batch"], logger: logger,
            onNotification: { [self] channel, payload in
                guard channel == "bk_batch" else { _ = wake.signal(); return }
                forgetBatch(BatchID(payload))
            },
            onListening: { [self] in
                forgetBatch(nil)
                wake.signal()
            })
        NamedThread.start("bk-alarm-listen") { listener.run() }
        NamedThread.start("bk-alarm-serve") { [self] in
            while !stop.isSet {
                _ = wake.wait(timeout: .now() + .seconds(1))
                if stop.isSet { break }
                serveAlarmRequests()
            }
        }
        return {
            stop.set()
            wake.signal()
            listener.stop()
        }
    }

    /// Drops a changed batch (nil: every batch) from each held shard's cache.
    private func forgetBatch(_ id: BatchID?) {
        for runtime in held.withLock({ $0.values.map(\.runtime) }) {
            if let id { runtime.traceability.batches.forget(id) } else { runtime.traceability.batches.forgetAll() }
        }
    }

    /// One round over the held shards whose lease is trusted.
    func serveAlarmRequests() {
        let runtimes = held.withLock { $0.values.filter { !$0.fence.isLost }.map(\.runtime) }
        for runtime in runtimes {
            guard let store = runtime.store as? PostgresStore else { continue }
            let sites = runtime.model.registry.sites.keys.map(\.rawValue)
            let alarms = runtime.alarms
            do {
                let served = try AlarmActionRequests(database: store.database).serve(sites: sites, limit: 10) { request in
                    AlarmActionAnswers.apply(request, with: alarms)
                }
                if served > 0 { logger.info("alarm actions from web replicas applied", metadata: ["count": "\(served)"]) }
            } catch {
                logger.warning("cannot serve alarm actions from web replicas", metadata: ["error": "\(error)"])
            }
        }
    }
}
