import KitchenRules
import Testing

@Suite("Legal retention floors")
struct RetentionRulesTests {
    @Test func marketRecordsAreKeptAtLeastSixMonths() {
        #expect(RetentionRules.minimumTraceabilityDays == 183)
        #expect(RetentionRules.traceabilityDays(requested: 1) == 183)
        #expect(RetentionRules.traceabilityDays(requested: 183) == 183)
        #expect(RetentionRules.traceabilityDays(requested: 400) == 400)
        #expect(RetentionRules.problem(traceabilityDays: 182)?.contains("at least 183") == true)
        #expect(RetentionRules.problem(traceabilityDays: 183) == nil)
    }
}
