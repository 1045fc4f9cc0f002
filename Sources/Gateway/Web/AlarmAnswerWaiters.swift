import Foundation
import Synchronization

/// Web replica requests waiting for their shard owner's answer, woken by `bk_alarm_answer`
/// notifications (each waiter also re-reads its row on a short timer, so a missed notification
/// costs a little latency, never the answer).
final class AlarmAnswerWaiters: Sendable {
    private let waiting = Mutex<[Int64: DispatchSemaphore]>([:])

    func register(_ id: Int64) -> DispatchSemaphore {
        let semaphore = DispatchSemaphore(value: 0)
        waiting.withLock { $0[id] = semaphore }
        return semaphore
    }

    func unregister(_ id: Int64) {
        _ = waiting.withLock { $0.removeValue(forKey: id) }
    }

    func wake(_ id: Int64) {
        waiting.withLock { $0[id] }?.signal()
    }

    func wakeAll() {
        for semaphore in waiting.withLock({ Array($0.values) }) { semaphore.signal() }
    }
}
