import Dispatch
import Foundation
import KitchenModel
import Synchronization

/// One thread drives every device of the fleet: a queue of due times, each job returning when
/// it wants to run next. Hundreds of devices cost one thread and a heap, not a timer each.
final class FleetScheduler: Sendable {
    /// Does its work and returns the delay to its next run, or nil when it is done.
    typealias Job = @Sendable () -> Duration?

    private let jobs: [(firstDelay: Duration, run: Job)]
    private let control = Mutex((started: false, stopping: false))
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(jobs: [(firstDelay: Duration, run: Job)]) {
        self.jobs = jobs
    }

    func start() {
        let first = control.withLock { control -> Bool in
            defer { control.started = true }
            return !control.started
        }
        guard first else { return }
        NamedThread.start("sim-scheduler") { [self] in run() }
    }

    /// Stops after the job running now (if any) and waits for the thread. Idempotent.
    func stop() {
        let waitForThread = control.withLock { control -> Bool in
            defer { control.stopping = true }
            return control.started && !control.stopping
        }
        guard waitForThread else { return }
        wake.signal()
        _ = finished.wait(timeout: .now() + .seconds(10))
    }

    private var stopping: Bool { control.withLock { $0.stopping } }

    private func run() {
        defer { finished.signal() }
        var queue = DueHeap<ContinuousClock.Instant, Int>()
        let start = ContinuousClock.now
        for (index, job) in jobs.enumerated() {
            queue.push(due: start + job.firstDelay, index)
        }
        while !stopping {
            guard let next = queue.peek else {
                _ = wake.wait(timeout: .distantFuture)
                continue
            }
            let now = ContinuousClock.now
            if next.due > now {
                let wait = next.due - now
                let nanos = wait.components.seconds * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(max(nanos, 0))))
                continue
            }
            queue.pop()
            guard let delay = jobs[next.value].run() else { continue }
            // Keep the cadence, but after a stall start afresh rather than firing a backlog.
            var due = next.due + delay
            let after = ContinuousClock.now
            if due < after - delay { due = after + delay }
            queue.push(due: due, next.value)
        }
    }
}
