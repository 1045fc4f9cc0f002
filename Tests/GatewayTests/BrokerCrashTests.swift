import DeviceSimulator
import Foundation
import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing

extension CrashRecoveryTests {
    /// Issue 13 item 4: the broker SIGKILLed mid-stream (no final save: it comes back from its
    /// persistence file as last autosaved, so the gateway's queue and whatever devices sent since
    /// are gone from it). The devices still hold what they sent; the gateway finds the holes from
    /// sequence numbers and births, and asks for replays: every message ends up stored once.
    @Test func brokerSIGKILLMidStreamLosesNothingTheDevicesHold() async throws {
        let bench = try GatewayBench(autosaveSeconds: 1)
        defer { bench.tearDown() }
        let fleet = try fleet(on: bench)
        let gateway = try bench.startGateway()
        defer { gateway.kill() }
        try await bench.waitUntilHealthy(gateway)
        try fleet.start()
        try await Task.sleep(for: .seconds(3))
        let persistence = bench.broker.directory + "/mosquitto.db"
        #expect(FileManager.default.fileExists(atPath: persistence), "the broker has autosaved before the crash")
        bench.broker.kill()
        try await Task.sleep(for: .seconds(1))  // devices record while the broker is down
        try bench.broker.restart()
        try await Task.sleep(for: .seconds(5))  // reconnections, births, replays
        fleet.stop()
        let stats = fleet.stats
        #expect(stats.published > 200, "the fleet should have produced a real stream")
        #expect(stats.replayedMessages > 0, "the crash cost messages that only device replays brought back")

        try expectEverySentMessageStoredOnce(database: bench.database, fleet: fleet, stats: stats)
        #expect(gateway.isRunning, "the gateway rode out the broker crash:\n\(gateway.stderr.suffix(2000))")
        gateway.terminate()
    }
}
