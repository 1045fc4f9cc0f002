import KitchenModel
import Testing

@Suite struct DueHeapTests {
    @Test func popsInOrderOfDueAndRetainDropsWhatIsStale() {
        var heap = DueHeap<Int, String>()
        var generator = SystemRandomNumberGenerator()
        let dues = (0..<500).map { _ in Int.random(in: 0..<100, using: &generator) }
        for (i, due) in dues.enumerated() { heap.push(due: due, "job-\(i)") }
        #expect(heap.count == 500)
        heap.retain { !$0.value.hasSuffix("7") }
        var popped: [Int] = []
        while let entry = heap.pop() {
            #expect(!entry.value.hasSuffix("7"))
            popped.append(entry.due)
        }
        #expect(popped == dues.enumerated().filter { !"job-\($0.offset)".hasSuffix("7") }.map(\.element).sorted())
        #expect(heap.peek == nil && heap.pop() == nil)
    }
}
