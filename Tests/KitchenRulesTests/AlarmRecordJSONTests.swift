import KitchenModel
import KitchenRules
import Testing

@Suite("AlarmRecord as stored")
struct AlarmRecordJSONTests {
    @Test func storedJSONRoundTrips() throws {
        var record = AlarmLifecycle().raise(AlarmSignal(.raise, .violation, device: key("cam-1"), label: "rodent",
                                                        riskClass: .class1, at: T.at(2),
                                                        detail: AlarmDetail(snapshot: "s1", message: "鼠", messageEN: "rat")),
                                            id: "a-1").record
        record.card = .yellow
        record.overdueAt = T.at(3)
        #expect(try AlarmRecord(storedJSON: record.storedJSON) == record)
    }

    @Test func unreadableJSONThrows() {
        #expect(throws: (any Error).self) { try AlarmRecord(storedJSON: "{}") }
        #expect(throws: (any Error).self) { try AlarmRecord(storedJSON: "not json") }
    }
}
