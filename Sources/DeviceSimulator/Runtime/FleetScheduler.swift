import Dispatch
import Foundation
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
        let thread = Thread { [self] in run() }
        thread.name = "sim-scheduler"
        thread.start()
    }

    /// Stops after the job running now (if any) and waits for the thread.
    func stop() {
        let started = control.withLock { control -> Bool in
            control.stopping = true
            return control.started
        }
        guard started else { return }
        wake.signal()
        _ = finished.wait(timeout: .now() + .seconds(10))
    }

    private var stopping: Bool { control.withLock { $0.stopping } }

    private func run() {
        defer { finished.signal() }
        var queue = DueQueue()
        let start = ContinuousClock.now
        for (index, job) in jobs.enumerated() {
            queue.push(DueQueue.Entry(due: start + job.firstDelay, job: index))
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
            _ = queue.pop()
            guard let delay = jobs[next.job].run() else { continue }
            // Keep the cadence, but after a stall start afresh rather than firing a backlog.
            var due = next.due + delay
            let after = ContinuousClock.now
            if due < after - delay { due = after + delay }
            queue.push(DueQueue.Entry(due: due, job: next.job))
        }
    }
}

/// A binary min-heap of due times.
struct DueQueue {
    struct Entry {
        let due: ContinuousClock.Instant
        let job: Int
    }

    private var heap: [Entry] = []

    var peek: Entry? { heap.first }

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].due < heap[smallest].due { smallest = left }
            if right < heap.count, heap[right].due < heap[smallest].due { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
