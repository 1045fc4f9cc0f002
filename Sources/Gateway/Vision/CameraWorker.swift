import Foundation
import KitchenModel
import Synchronization

/// One analysis thread and its bounded queue. A full queue refuses new jobs (the caller counts
/// them) instead of growing or making the MQTT thread wait: a lost frame costs nothing, the next
/// one comes in seconds. The handler is created on the thread and never leaves it, so the
/// per-camera analyzers it owns need no lock.
final class CameraWorker: Sendable {
    struct Limits: Sendable {
        var maxJobs: Int
        var maxBytes: Int
    }

    private struct Queue {
        var jobs: [CameraJob] = []
        var head = 0
        var bytes = 0
        var busy = false
        var started = false
        var stopping = false

        var count: Int { jobs.count - head }

        mutating func pop() -> CameraJob? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            bytes -= job.bytes
            if head > 64, head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    let name: String
    private let limits: Limits
    private let queue = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, limits: Limits) {
        self.name = name
        self.limits = limits
    }

    /// Starts the thread; `makeHandler` runs on it once, the handler then takes every job.
    func start(_ makeHandler: @escaping @Sendable () -> (CameraJob) -> Void) {
        guard queue.withLock({ q in
            defer { q.started = true }
            return !q.started && !q.stopping
        }) else { return }
        NamedThread.start(name) { [self] in
            let handle = makeHandler()
            while let job = next() { handle(job) }
            finished.signal()
        }
    }

    /// Queues a job; false when the queue is full or stopping (the job is dropped).
    func submit(_ job: CameraJob) -> Bool {
        let accepted = queue.withLock { q in
            guard !q.stopping, q.count < limits.maxJobs, q.bytes + job.bytes <= limits.maxBytes else { return false }
            q.jobs.append(job)
            q.bytes += job.bytes
            return true
        }
        if accepted { wakeUp.signal() }
        return accepted
    }

    var queued: Int { queue.withLock { $0.count } }

    /// True once every queued job has been handled.
    var isIdle: Bool { queue.withLock { $0.count == 0 && !$0.busy } }

    /// Finishes the queued jobs, then ends the thread.
    func stop() {
        let wasRunning = queue.withLock { q in
            let running = q.started && !q.stopping
            q.stopping = true
            return running
        }
        guard wasRunning else { return }
        wakeUp.signal()
        finished.wait()
    }

    private func next() -> CameraJob? {
        while true {
            let (job, stopping) = queue.withLock { q in
                let job = q.pop()
                q.busy = job != nil
                return (job, q.stopping)
            }
            if let job { return job }
            if stopping { return nil }
            wakeUp.wait()
        }
    }
}
