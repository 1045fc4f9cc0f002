import Gateway
import KitchenRules
import Storage
import StorageModel
import Testing

/// Storage deletes by the days it is given; the gateway's configuration is where the legal floor
/// (`RetentionRules`) is applied, so the hourly retention can never drop market records early.
@Suite struct RetentionFloorTests {
    @Test func configurationKeepsMarketRecordsAtLeastTheLegalMinimum() {
        var configuration = GatewayConfiguration(registryPath: "registry.yaml")
        configuration.retention.traceabilityDays = 30
        #expect(configuration.retention.traceabilityDays == RetentionRules.minimumTraceabilityDays)
        configuration.retention = RetentionPolicy(traceabilityDays: 1)
        #expect(configuration.retention.traceabilityDays == RetentionRules.minimumTraceabilityDays)
        configuration.retention.traceabilityDays = 400
        #expect(configuration.retention.traceabilityDays == 400)
    }
}
