import DeviceSimulator
import Foundation
import KitchenModel
import Logging
import MQTTClient
import Storage
import StorageModel
import TestSupport
import Testing

/// The simulated fleet against the real gateway binary: whatever happens to the gateway,
/// every sequenced message a device published ends up stored exactly once.
@Suite(.serialized) struct CrashRecoveryTests {
    func fleet(on bench: GatewayBench, dropRate: Double = 0) throws -> Fleet {
        let profile = try FleetProfile.load(path: repositoryRoot().appendingPathComponent("devices/demo-fleet.yaml").path)
        var options = SimulatorOptions(brokerURL: bench.broker.url)
        options.speed = 100
        options.seed = 42
        options.faults.dropRate = dropRate
        let fleet = try Fleet(profile: profile, options: options, logger: Logger(label: "fleet"))
        try bench.writeRegistry(fleet.registryYAML())
        return fleet
    }

    /// (device → stored seqs) for the fleet's devices.
    /// Every device's seqs 1...last sent are stored exactly once (within 40 s); records what is missing.
    func expectEverySentMessageStoredOnce(database: String, fleet: Fleet, stats: FleetStats) throws {
        let store = try Store(path: database)
        let expected = Dictionary(uniqueKeysWithValues: stats.devices.map { ($0.key, Array(Int64(1)...max(1, $0.lastSeq))) })
        let converged = eventually(timeout: .seconds(40), every: .milliseconds(250)) {
            (try? stored(store, fleet)) == expected
        }
        let actual = try stored(store, fleet)
        for (key, seqs) in expected where actual[key] != seqs {
            let missing = Set(seqs).subtracting(actual[key] ?? []).sorted().prefix(10)
            Issue.record("\(key): expected 1...\(seqs.last ?? 0), stored \(actual[key]?.count ?? 0) rows, missing \(missing)")
        }
        #expect(converged)
    }

    func stored(_ store: Store, _ fleet: Fleet) throws -> [DeviceKey: [Int64]] {
        var out: [DeviceKey: [Int64]] = [:]
        for key in fleet.deviceKeys { out[key] = try store.storedSequenceNumbers(of: key).map(\.seq) }
        return out
    }

    @Test func sigkillMidStreamLosesAndDuplicatesNothing() async throws {
        let bench = try GatewayBench()
        defer { bench.tearDown() }
        let fleet = try fleet(on: bench)
        let gateway = try bench.startGateway()
        try await bench.waitUntilHealthy(gateway)
        try fleet.start()
        try await Task.sleep(for: .seconds(3))
        gateway.kill()
        try await Task.sleep(for: .seconds(1))  // devices keep publishing; the broker queues for the session
        let restarted = try bench.startGateway()
        try await bench.waitUntilHealthy(restarted)
        try await Task.sleep(for: .seconds(3))
        fleet.stop()
        let stats = fleet.stats
        #expect(stats.published > 200, "the fleet should have produced a real stream")

        try expectEverySentMessageStoredOnce(database: bench.database, fleet: fleet, stats: stats)
        restarted.terminate()
    }

    @Test func droppedMessagesAreRecoveredByReplay() async throws {
        let bench = try GatewayBench()
        defer { bench.tearDown() }
        let fleet = try fleet(on: bench, dropRate: 0.1)
        let gateway = try bench.startGateway()
        try await bench.waitUntilHealthy(gateway)
        try fleet.start()
        try await Task.sleep(for: .seconds(5))
        // Everything recorded up to now must arrive, holes included, while the fleet keeps running
        // (a hole shows only when a later message arrives, and only a connected device can replay).
        let recorded = Dictionary(uniqueKeysWithValues: fleet.stats.devices.map { ($0.key, $0.lastSeq) })
        let store = try Store(path: bench.database)
        let repaired = eventually(timeout: .seconds(30), every: .milliseconds(250)) {
            guard let now = try? stored(store, fleet) else { return false }
            return recorded.allSatisfy { key, last in
                last == 0 || Set(now[key] ?? []).isSuperset(of: 1...last)
            }
        }
        if !repaired, let now = try? stored(store, fleet) {
            for (key, last) in recorded where last > 0 {
                let missing = Set(1...last).subtracting(now[key] ?? []).sorted()
                if !missing.isEmpty { Issue.record("\(key): missing \(missing.prefix(20)) of 1...\(last)") }
            }
        }
        fleet.stop()
        #expect(fleet.stats.dropped > 10, "the fault should have dropped messages")
        #expect(fleet.stats.replayedMessages > 0)
        #expect(repaired)
        gateway.terminate()
    }
}
