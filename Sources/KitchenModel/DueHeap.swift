/// A binary min-heap of values by when they are due: the scheduler's next job is on top, so many
/// periodic jobs (simulated devices, polled cameras) cost one thread and a heap, not a timer each.
public struct DueHeap<Due: Comparable, Value> {
    public struct Entry {
        public let due: Due
        public let value: Value
    }

    private var heap: [Entry] = []

    public init() {}

    public var peek: Entry? { heap.first }
    public var count: Int { heap.count }

    public mutating func push(due: Due, _ value: Value) {
        heap.append(Entry(due: due, value: value))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    public mutating func pop() -> Entry? {
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

    /// Keeps only the entries `keep` accepts (dropping stale ones in one go).
    public mutating func retain(_ keep: (Entry) -> Bool) {
        let live = heap.filter(keep)
        heap = []
        for entry in live { push(due: entry.due, entry.value) }
    }
}

extension DueHeap: Sendable where Due: Sendable, Value: Sendable {}
extension DueHeap.Entry: Sendable where Due: Sendable, Value: Sendable {}
