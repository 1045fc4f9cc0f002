import Foundation
import Gateway
import KitchenModel
import Logging
import ServiceLifecycle
import Storage
import StorageModel
import TestSupport
import Testing

/// The runtime's services: nothing runs before the group does, stages start in order and stop in
/// reverse, and retention runs from its own service.
@Suite(.serialized) struct LifecycleTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
        """
    let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
    let logger = Logger(label: "lifecycle-test")
    static let day: EpochMillis = 86_400_000

    func configuration(_ dir: TemporaryDirectory, brokerURL: String? = nil) throws -> GatewayConfiguration {
        try Self.registry.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        var c = GatewayConfiguration(registryPath: dir.file("registry.yaml"), brokerURL: brokerURL,
                                     database: dir.file("bk.sqlite"), dataDirectory: dir.path)
        c.gatewayID = "lifecycle"
        return c
    }

    func reading(_ seq: Int64, at ts: EpochMillis) -> WriteItem {
        .reading(ReadingRecord(key: fridge, boot: 1, seq: seq, deviceTime: ts, receivedAt: ts,
                               readings: .thermo(ThermoReading(celsius: 3, humidity: 60, battery: 90))))
    }

    func accepts(port: Int) -> Bool {
        guard let fd = loopbackSocket(port: port, timeoutSeconds: 1) else { return false }
        close(fd)
        return true
    }

    /// A mosquitto that runs (not a zombie): kill(pid, 0) also succeeds for zombies, /proc tells them apart.
    func isLiveProcess(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ") ", options: .backwards) else { return false }
        return stat[afterName.upperBound...].first != "Z"
    }

    func group(_ runtime: GatewayRuntime) -> ServiceGroup {
        ServiceGroup(configuration: .init(services: runtime.services().map { .init(service: $0) }, logger: logger))
    }

    /// Runs the gateway's stages with the embedded broker, queues a reading the writer would hold
    /// for a minute, ends the group with `end`, and checks what shutdown left behind.
    func runAndEnd(_ label: String, end: (ServiceGroup, Task<Void, any Error>) async -> Void) async throws {
        let dir = TemporaryDirectory(label)
        var c = try configuration(dir)
        c.writer.maxDelay = .seconds(60)  // the reading stays queued until shutdown drains the writer

        let runtime = try GatewayRuntime(configuration: c, logger: logger)
        let broker = try #require(runtime.broker)
        // Constructed, not run: no mosquitto, nothing on its port, no stage started.
        #expect(broker.pid == nil)
        #expect(!accepts(port: broker.port))
        #expect(!FileManager.default.fileExists(atPath: dir.file("mosquitto/mosquitto.pid")))
        #expect(runtime.lifecycle.entries.isEmpty)
        #expect(!runtime.client.isConnected)

        let group = group(runtime)
        let task = Task { try await group.run() }
        defer { task.cancel(); runtime.shutdown() }
        #expect(await runtime.waitUntilStarted())
        let pid = try #require(broker.pid)
        #expect(isLiveProcess(pid) && accepts(port: broker.port))
        #expect(await eventually { () async in runtime.client.isConnected })
        let started = runtime.lifecycle.entries
        #expect(started.first == "broker started")
        #expect(started.firstIndex(of: "writer started")! < started.firstIndex(of: "mqtt started")!)

        try runtime.writer.submit([reading(1, at: runtime.clock.now())])
        #expect(runtime.writer.queued == 1)

        await end(group, task)
        _ = try? await task.value

        let stops = runtime.lifecycle.entries.filter { $0.hasSuffix(" stopped") }.map { $0.dropLast(" stopped".count) }
        let starts = started.filter { $0.hasSuffix(" started") }.map { $0.dropLast(" started".count) }
        #expect(stops == Array(starts.reversed()))
        // The writer drained before the database was left: the reading is stored.
        #expect(try Store(path: c.database).readings(of: fridge).map(\.seq) == [1])
        // The broker went last and is gone.
        #expect(broker.pid == nil)
        #expect(await eventually(timeout: .seconds(5)) { () async in !isLiveProcess(pid) })
        #expect(!accepts(port: broker.port))
    }

    @Test func nothingRunsBeforeTheGroupAndCancellationStopsInReverse() async throws {
        try await runAndEnd("bk-lifecycle-cancel") { _, task in task.cancel() }
    }

    @Test func gracefulShutdownStopsInReverseAndDrainsTheWriter() async throws {
        try await runAndEnd("bk-lifecycle-graceful") { group, _ in await group.triggerGracefulShutdown() }
    }

    /// Expired readings stay while the 1 s tick runs (it no longer does retention), and go once
    /// the retention service's first run comes.
    @Test func retentionRunsFromItsOwnServiceNotTheTick() async throws {
        let dir = TemporaryDirectory("bk-lifecycle-retention")
        // No broker needed: the client keeps retrying a port nobody listens on.
        var c = try configuration(dir, brokerURL: "mqtt://127.0.0.1:\(freePort())")
        let clock = ManualClock(SystemClock().now())
        c.retentionFirstRun = .seconds(3600)

        // Ticks, but no retention run yet.
        let first = try GatewayRuntime(configuration: c, clock: clock, logger: logger)
        let firstGroup = group(first)
        let firstTask = Task { try await firstGroup.run() }
        #expect(await first.waitUntilStarted())
        try first.writer.submitAndWait([reading(1, at: clock.now() - 40 * Self.day), reading(2, at: clock.now() - Self.day)])
        let ticksBefore = first.maintenanceTicks
        #expect(await eventually { () async in first.maintenanceTicks >= ticksBefore + 2 })
        #expect(try first.store.readings(of: fridge).map(\.seq) == [1, 2])
        await firstGroup.triggerGracefulShutdown()
        try await firstTask.value

        // The same database with retention due shortly after start, then every 200 ms.
        c.retentionFirstRun = .milliseconds(200)
        c.retentionInterval = .milliseconds(200)
        let second = try GatewayRuntime(configuration: c, clock: clock, logger: logger)
        let secondGroup = group(second)
        let secondTask = Task { try await secondGroup.run() }
        defer { secondTask.cancel() }
        #expect(await eventually { () async in (try? second.store.readings(of: fridge).map(\.seq)) == [2] })
        // The next run deletes what has since expired: the service keeps its schedule.
        clock.advance(byMillis: 30 * Self.day)
        #expect(await eventually { () async in (try? second.store.readings(of: fridge).isEmpty) == true })
        await secondGroup.triggerGracefulShutdown()
        try await secondTask.value
    }

    /// A retention run that fails is counted and logged, the gateway goes on (the tick keeps
    /// ticking), and the next run deletes what is due.
    @Test func aFailedRetentionRunIsRetriedAndNeverStopsTheGateway() async throws {
        let dir = TemporaryDirectory("bk-lifecycle-retention-failure")
        var c = try configuration(dir, brokerURL: "mqtt://127.0.0.1:\(freePort())")
        let clock = ManualClock(SystemClock().now())
        // The first run comes after the table is away (below), then one every 200 ms.
        c.retentionFirstRun = .seconds(2)
        c.retentionInterval = .milliseconds(200)
        let retrying = try GatewayRuntime(configuration: c, clock: clock, logger: logger)
        let group = group(retrying)
        let task = Task { try await group.run() }
        defer { task.cancel() }
        #expect(await retrying.waitUntilStarted())
        try retrying.writer.submitAndWait([reading(1, at: clock.now() - 40 * Self.day)])
        // The table retention deletes from is away: every run fails until it is back.
        try sqlite(c.database, "ALTER TABLE reading RENAME TO reading_away;")
        func runs(_ outcome: String) -> Int {
            let text = String(decoding: retrying.metrics.exposition(), as: UTF8.self)
            let line = text.split(separator: "\n").first { $0.hasPrefix("bk_retention_runs_total{outcome=\"\(outcome)\"} ") }
            return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        }
        #expect(await eventually { () async in runs("failed") >= 2 })
        #expect(runs("ok") == 0)
        let ticks = retrying.maintenanceTicks
        #expect(await eventually { () async in retrying.maintenanceTicks > ticks })

        try sqlite(c.database, "ALTER TABLE reading_away RENAME TO reading;")
        #expect(await eventually { () async in runs("ok") >= 1 })
        #expect(try retrying.store.readings(of: fridge).isEmpty)
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// The sqlite3 shell on the gateway's database (waits up to 5 s for the write lock).
    func sqlite(_ database: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-cmd", ".timeout 5000", database, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3 \(sql)")
    }
}
