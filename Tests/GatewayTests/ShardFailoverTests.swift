import Foundation
import KitchenModel
import MQTTClient
import StorageModel
import Synchronization
import TestSupport
import Testing

/// Issue 16, items 1 and 2 (docs/scale-out.md, "Shards and leases"): two real `serve --role ingest`
/// processes on one PostgreSQL and one mosquitto share four county shards; one is SIGKILLed while
/// every site publishes, the other takes its shards over within 15 s (measured and printed), resumes
/// their persistent MQTT sessions and restores their sites' sequence numbers, and every reading sent
/// is stored exactly once (what the killed instance acknowledged but had not committed comes back
/// through device replay, as with one gateway).
@Suite(.serialized)
struct ShardFailoverTests {
    static let counties = ["420102", "420103", "420106", "420111"]
    static let registry = "sites:\n" + counties.enumerated().map {
        "  - {id: site-\($0.offset), name: Canteen \($0.offset), kind: canteen, region: \"\($0.element)\"}"
    }.joined(separator: "\n") + "\ndevices:\n" + counties.indices.map {
        "  - {id: fridge-1, site: site-\($0), kind: thermo, zone: cold, interval_s: 30}"
    }.joined(separator: "\n") + "\n"

    @Test func aKilledInstancesShardsAreTakenOverWithin15sAndNoReadingIsLost() async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: .postgres)
        defer { bench.tearDown() }
        let leases = try Leases(bench: bench)
        func shards(of process: ChildProcess) -> Set<String> { leases.shards(of: process) }
        func start() throws -> ChildProcess { try bench.startGateway(extraArguments: ["--role", "ingest"]) }

        let a = try start()
        defer { a.kill() }
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) { shards(of: a).count == 4 },
                "a lone instance takes every shard:\n\(a.stderr.suffix(3_000))")
        let b = try start()
        defer { b.terminate() }
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) {
            shards(of: a).count == 2 && shards(of: b).count == 2
        }, "a second instance gets its share: a \(shards(of: a)), b \(shards(of: b))\n\(b.stderr.suffix(3_000))")
        // Each shard taken logs once its session has every site filter granted.
        #expect(eventually(timeout: .seconds(30)) { b.stderr.components(separatedBy: "shard subscribed").count - 1 == 2 },
                "\(b.stderr.suffix(3_000))")

        let fleet = try Fleet(bench: bench, sites: Self.counties.count)
        defer { fleet.stop() }
        let load = Thread { fleet.publishUntilStopped() }
        load.start()
        try await Task.sleep(for: .seconds(3))
        #expect(fleet.sent.allSatisfy { $0 > 10 })

        let lost = shards(of: a)
        let lostSites = Self.counties.indices.filter { lost.contains(Self.counties[$0]) }
        #expect(lostSites.count == 2)
        let sentAtKill = fleet.sent
        let remaining = leases.remaining(of: lost)
        let killed = ContinuousClock.now
        kill(a.process.processIdentifier, SIGKILL)
        let tookOver = eventually(timeout: .seconds(30), every: .milliseconds(50)) { shards(of: b).isSuperset(of: lost) }
        let takeover = killed.duration(to: .now)
        #expect(tookOver, "b took a's shards \(lost):\n\(b.stderr.suffix(3_000))")
        let store = try bench.openStore()
        let updating = eventually(timeout: .seconds(30), every: .milliseconds(50)) {
            lostSites.allSatisfy { site in
                ((try? store.storedSequenceNumbers(of: fleet.keys[site]))?.last?.seq ?? 0) > Int64(sentAtKill[site])
            }
        }
        let resumed = killed.duration(to: .now)
        #expect(updating, "a's sites are stored again after the kill")
        print("shard takeover: SIGKILL → every lease of the killed instance held by the survivor \(takeover); "
            + "SIGKILL → each of its sites stored again \(resumed) (lease 10 s, renewed every 3 s; "
            + "the killed leases had \(remaining) s left at the kill)")
        #expect(takeover < .seconds(15), "takeover took \(takeover)")
        #expect(resumed < .seconds(15), "sites stored again after \(resumed)")

        try await Task.sleep(for: .seconds(3))
        fleet.stopPublishing()
        while load.isExecuting { try await Task.sleep(for: .milliseconds(50)) }
        let sent = fleet.sent
        func seqs(_ site: Int) -> [Int64] { ((try? store.storedSequenceNumbers(of: fleet.keys[site])) ?? []).map(\.seq) }
        // Gaps the kill left were seen by the readings after it; replays fill them.
        let complete = eventually(timeout: .seconds(60), every: .milliseconds(200)) {
            Self.counties.indices.allSatisfy { seqs($0) == Array(1...Int64(sent[$0])) }
        }
        let summary = Self.counties.indices.map { site -> String in
            let stored = seqs(site)
            let missing = Set(1...Int64(sent[site])).subtracting(stored).sorted()
            return "site-\(site): sent \(sent[site]), stored \(stored.count), missing \(missing.prefix(20)), "
                + "doubled \(stored.count - Set(stored).count)"
        }.joined(separator: "; ")
        #expect(complete, "every reading stored once: \(summary)\n\(b.stderr.suffix(3_000))")
        print("shard failover audit: \(sent.reduce(0, +)) readings sent across 4 sites, all stored once; "
            + "\(fleet.replays) replay requests answered")
        for line in b.stderr.split(separator: "\n") where line.contains("shard taken") { print("survivor: \(line)") }
        #expect(b.isRunning)
        #expect(b.stderr.contains("shard taken"))
    }

    /// A paused instance (SIGSTOP: a stalled VM, a long GC, a frozen container) loses its shards to
    /// the other one; woken up (SIGCONT) it finds its leases gone before it acts on anything, cuts
    /// its shards' MQTT sessions, writes nothing of theirs, and later takes its fair share back at
    /// new epochs. Every reading is still stored once.
    @Test func aPausedInstanceWakesUpFencedAndGetsItsShareBack() async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: .postgres)
        defer { bench.tearDown() }
        let leases = try Leases(bench: bench)
        let a = try bench.startGateway(extraArguments: ["--role", "ingest"])
        defer { a.kill() }
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) { leases.shards(of: a).count == 4 })
        let b = try bench.startGateway(extraArguments: ["--role", "ingest"])
        defer { b.terminate() }
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) {
            leases.shards(of: a).count == 2 && leases.shards(of: b).count == 2
        }, "\(b.stderr.suffix(2_000))")
        let fleet = try Fleet(bench: bench, sites: Self.counties.count)
        defer { fleet.stop() }
        let load = Thread { fleet.publishUntilStopped() }
        load.start()
        try await Task.sleep(for: .seconds(2))

        let paused = leases.shards(of: a)
        let epochs = leases.epochs()
        let pid = a.process.processIdentifier
        kill(pid, SIGSTOP)
        let stopped = ContinuousClock.now
        let tookOver = eventually(timeout: .seconds(30), every: .milliseconds(50)) { leases.shards(of: b).count == 4 }
        print("shard takeover from a paused instance: \(stopped.duration(to: .now))")
        #expect(tookOver, "\(b.stderr.suffix(3_000))")
        try await Task.sleep(for: .seconds(1))
        kill(pid, SIGCONT)

        #expect(eventually(timeout: .seconds(15), every: .milliseconds(100)) {
            a.stderr.contains("shard lease lost: MQTT session abandoned")
        }, "the woken instance found its leases gone:\n\(a.stderr.suffix(3_000))")
        // Rebalanced: each holds two again, every shard at an epoch above the one before the pause.
        #expect(eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            leases.shards(of: a).count == 2 && leases.shards(of: b).count == 2
        }, "a: \(leases.shards(of: a)), b: \(leases.shards(of: b))")
        let after = leases.epochs()
        for shard in paused { #expect((after[shard] ?? 0) > (epochs[shard] ?? 0), "shard \(shard) moved at a new epoch") }

        try await Task.sleep(for: .seconds(2))
        fleet.stopPublishing()
        while load.isExecuting { try await Task.sleep(for: .milliseconds(50)) }
        let sent = fleet.sent
        let store = try bench.openStore()
        func seqs(_ site: Int) -> [Int64] { ((try? store.storedSequenceNumbers(of: fleet.keys[site])) ?? []).map(\.seq) }
        let complete = eventually(timeout: .seconds(60), every: .milliseconds(200)) {
            Self.counties.indices.allSatisfy { seqs($0) == Array(1...Int64(sent[$0])) }
        }
        #expect(complete, "every reading stored once: \(Self.counties.indices.map { (sent[$0], seqs($0).count) })")
        print("paused-instance audit: \(sent.reduce(0, +)) readings stored once; \(fleet.replays) replay requests answered")
        #expect(a.isRunning && b.isRunning)
    }

    /// An instance that reaches PostgreSQL but no longer the broker gives its shards up once their
    /// sessions have been down 5 s, and stays out of the share for a while, so an instance that
    /// reaches the broker takes them. Here the first instance's broker is a second mosquitto, stopped.
    @Test func anInstanceCutOffFromTheBrokerHandsItsShardsOn() async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: .postgres)
        defer { bench.tearDown() }
        var options = MosquittoBroker.Options()
        options.dataDirectory = bench.dir.file("other-broker")
        let other = try MosquittoBroker.start(options: options, logger: bench.logger)
        defer { other.stop() }
        let leases = try Leases(bench: bench)
        let a = try ChildProcess(executable: bench.binary, arguments: [
            "serve", "--role", "ingest", "--allow-loopback-public-url", "--config", bench.registryPath,
            "--broker", other.url,
        ] + bench.storeArguments + ["--data-dir", bench.dir.path, "--log-level", "info"], logDirectory: bench.dir.path)
        defer { a.kill() }
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) { leases.shards(of: a).count == 4 })
        let b = try bench.startGateway(extraArguments: ["--role", "ingest"])
        defer { b.terminate() }
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) {
            leases.shards(of: a).count == 2 && leases.shards(of: b).count == 2
        })

        other.stop()
        let cut = ContinuousClock.now
        let handed = eventually(timeout: .seconds(30), every: .milliseconds(100)) { leases.shards(of: b).count == 4 }
        print("shard takeover from an instance cut off from the broker: \(cut.duration(to: .now))")
        #expect(handed, "a: \(leases.shards(of: a))\n\(a.stderr.suffix(2_000))")
        #expect(a.stderr.contains("the shard's broker session is down; giving the shard up"))

        // Every site is served by the instance that reaches the broker, once its sessions for the
        // shards it took are subscribed: they are new on this broker, which keeps nothing for a
        // session before its SUBSCRIBE (under load that came after the fleet's messages).
        #expect(eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            b.stderr.components(separatedBy: "shard subscribed").count - 1 >= 4
        }, "\(b.stderr.suffix(2_000))")
        let fleet = try Fleet(bench: bench, sites: Self.counties.count)
        defer { fleet.stop() }
        for _ in 0..<10 {
            fleet.nudge()
            try await Task.sleep(for: .milliseconds(100))
        }
        let store = try bench.openStore()
        #expect(eventually(timeout: .seconds(20), every: .milliseconds(100)) {
            fleet.keys.allSatisfy { ((try? store.storedSequenceNumbers(of: $0))?.count ?? 0) == 10 }
        })
        #expect(leases.shards(of: a).isEmpty, "the cut-off instance took nothing back meanwhile")
    }

    /// Delays shortened so a warm fridge raises its alarm within seconds and updates it every second.
    static let rules = """
        zones:
          cold: {zone: cold, minCelsius: 0, maxCelsius: 8, alarmDelaySeconds: 1, recoverySeconds: 1, updateEverySeconds: 1}
        """

    /// An alarm the killed instance raised is the new owner's to carry on (restored from
    /// PostgreSQL with its rule state), not raised a second time: every transition published for
    /// the site after the takeover names the alarm raised before it, down to its clearing.
    @Test func anOpenAlarmIsCarriedOnByTheNewOwner() async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: .postgres)
        defer { bench.tearDown() }
        try Self.rules.write(toFile: bench.dir.file("rules.yaml"), atomically: true, encoding: .utf8)
        let arguments = ["--role", "ingest", "--rules", bench.dir.file("rules.yaml")]
        let leases = try Leases(bench: bench)
        let a = try bench.startGateway(extraArguments: arguments)
        defer { a.kill() }
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) { leases.shards(of: a).count == 4 })

        let watcher = try bench.deviceClient("watcher")
        defer { watcher.stop() }
        let published = Mutex<[(at: ContinuousClock.Instant, id: String, transition: String)]>([])
        watcher.onMessage { m in
            guard let json = try? JSONSerialization.jsonObject(with: Data(m.payload)) as? [String: Any],
                  let id = json["alarm_id"] as? String else { return }
            published.withLock { $0.append((.now, id, json["transition"] as? String ?? "?")) }
        }
        try watcher.subscribe("bk/v1/site-0/_gateway/alarms", qos: 1)
        let fridge = try bench.deviceClient("site-0-fridge-1")
        defer { fridge.stop() }
        let origin = SystemClock().now()
        let warm = Atomic<Bool>(true)
        let stopped = Atomic<Bool>(false)
        let seq = Atomic<Int>(0)
        let load = Thread {
            while !stopped.load(ordering: .relaxed) {
                let n = seq.add(1, ordering: .relaxed).newValue
                let t = warm.load(ordering: .relaxed) ? "9.5" : "4.0"
                _ = try? fridge.publish(topic: "bk/v1/site-0/fridge-1/telemetry",
                                        payload: Array(#"{"seq":\#(n),"ts":\#(origin + Int64(n) * 200),"t":\#(t),"rh":60}"#.utf8),
                                        qos: 1)
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        load.start()
        defer { stopped.store(true, ordering: .relaxed) }
        #expect(eventually(timeout: .seconds(30), every: .milliseconds(50)) { !published.withLock { $0 }.isEmpty },
                "the warm fridge raised an alarm:\n\(a.stderr.suffix(2_000))")
        try await Task.sleep(for: .seconds(1))
        let before = Set(published.withLock { $0 }.map(\.id))

        kill(a.process.processIdentifier, SIGKILL)
        let killed = ContinuousClock.now
        let b = try bench.startGateway(extraArguments: arguments)
        defer { b.terminate() }
        #expect(eventually(timeout: .seconds(30), every: .milliseconds(100)) { leases.shards(of: b).count == 4 },
                "\(b.stderr.suffix(2_000))")
        try await Task.sleep(for: .seconds(3))  // still warm: the new owner updates the alarm
        warm.store(false, ordering: .relaxed)
        let cleared = eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            published.withLock { $0 }.contains { $0.at > killed && $0.transition == "cleared" }
        }
        let after = published.withLock { $0 }.filter { $0.at > killed }
        #expect(cleared, "the new owner ended the alarm: \(after.map { "\($0.transition) \($0.id)" })")
        #expect(!after.isEmpty && after.allSatisfy { before.contains($0.id) },
                "after the takeover only the alarm raised before it (\(before)): \(after.map { "\($0.transition) \($0.id)" })")
        #expect(!after.contains { $0.transition == "raised" }, "raised again: \(after.map(\.transition))")
        #expect(b.stderr.contains("open=1"), "the new owner restored the open alarm")
    }
}

/// The `shard_leases` table as the test sees it, through psql.
private struct Leases {
    let server: ThrowawayPostgres
    let name: String

    init(bench: GatewayBench) throws {
        server = try ThrowawayPostgres.shared()
        name = try #require(bench.database.split(separator: "/").last?.split(separator: "?").first).description
    }

    private func rows(_ sql: String) -> [[String]] {
        let text = (try? server.psql(sql, database: name)) ?? ""
        return text.split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
    }

    /// Live leases: shard → owner.
    func holders() -> [String: String] {
        var result: [String: String] = [:]
        for row in rows("SELECT shard, owner FROM shard_leases WHERE expires_at >= now()") where row.count == 2 {
            result[row[0]] = row[1]
        }
        return result
    }

    /// Seconds until the leases of `shards` expire, by the database's clock.
    func remaining(of shards: Set<String>) -> [Double] {
        rows("SELECT shard, extract(epoch FROM expires_at - now()) FROM shard_leases").filter {
            $0.count == 2 && shards.contains($0[0])
        }.compactMap { Double($0[1]) }
    }

    func epochs() -> [String: Int64] {
        var result: [String: Int64] = [:]
        for row in rows("SELECT shard, epoch FROM shard_leases") where row.count == 2 { result[row[0]] = Int64(row[1]) }
        return result
    }

    /// An owner is `<host>-<pid>-<random>`.
    func shards(of process: ChildProcess) -> Set<String> {
        Set(holders().filter { $0.value.contains("-\(process.process.processIdentifier)-") }.keys)
    }
}

/// One fridge per site, publishing QoS 1 telemetry every 100 ms from a plain thread and answering
/// the gateway's `replay` commands from what it sent, as firmware does.
private final class Fleet: Sendable {
    let keys: [DeviceKey]
    let clients: [MQTTClient]
    private let counts: Mutex<[Int]>
    private let replayCount = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    /// Device time of seq 0: each reading's time follows from its seq, so a replay sends it unchanged.
    private let origin = SystemClock().now()

    init(bench: GatewayBench, sites: Int) throws {
        keys = (0..<sites).map { DeviceKey(site: SiteID("site-\($0)")!, device: DeviceID("fridge-1")!) }
        counts = Mutex(Array(repeating: 0, count: sites))
        clients = try keys.map { try bench.deviceClient("\($0.site)-\($0.device)") }
        for (index, client) in clients.enumerated() {
            let key = keys[index]
            client.onMessage { [weak self] message in
                guard let self, let json = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any],
                      json["cmd"] as? String == "replay", let from = (json["from_seq"] as? NSNumber)?.intValue else { return }
                self.replayCount.add(1, ordering: .relaxed)
                let last = self.counts.withLock { $0[index] }
                for seq in max(from, 1)...max(from, last) where seq <= last {
                    self.publish(index, seq: seq)
                }
            }
            try client.subscribe("bk/v1/\(key.site)/\(key.device)/cmd", qos: 1)
        }
    }

    var sent: [Int] { counts.withLock { $0 } }
    var replays: Int { replayCount.load(ordering: .relaxed) }
    func stopPublishing() { stopped.store(true, ordering: .relaxed) }

    func stop() {
        stopPublishing()
        for client in clients { client.stop() }
    }

    /// The reading numbered `seq`, always with the same payload (its time is derived from the seq).
    private func publish(_ index: Int, seq: Int) {
        let key = keys[index]
        let ts = origin + Int64(seq) * 100
        _ = try? clients[index].publish(topic: "bk/v1/\(key.site)/\(key.device)/telemetry",
                                        payload: Array(#"{"seq":\#(seq),"ts":\#(ts),"t":3.5,"rh":60}"#.utf8), qos: 1)
    }

    /// The next reading of every site.
    func nudge() {
        for index in keys.indices {
            let seq = counts.withLock { c in c[index] += 1; return c[index] }
            publish(index, seq: seq)
        }
    }

    func publishUntilStopped() {
        while !stopped.load(ordering: .relaxed) {
            nudge()
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}
