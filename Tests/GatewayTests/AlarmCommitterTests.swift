import Foundation
import Gateway
import GatewayPorts
import KitchenModel
import KitchenRules
import Logging
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing

/// What the engine publishes, in order.
private final class Captured: Sendable {
    private let messages = Mutex<[(topic: String, body: String)]>([])

    func append(_ topic: String, _ body: String) { messages.withLock { $0.append((topic, body)) } }

    var all: [(topic: String, body: String)] { messages.withLock { $0 } }
}

/// The engine over a real SQLite store; what it publishes is captured in order.
private struct CommitFixture {
    let dir = TemporaryDirectory("bk-commit")
    let store: Store
    let model: StateModel
    let engine: AlarmEngine
    let published = Captured()
    static let night: EpochMillis = 1_795_276_800_000 + 2 * 3_600_000  // 02:00 Asia/Shanghai, closed
    static let site = SiteID("canteen-01")!
    static let registry = """
        sites:
          - {id: canteen-01, name: 食堂, kind: canteen, region: "420106", hours: "06:00-20:00"}
        devices:
          - {id: cam-1, site: canteen-01, kind: camera}
          - {id: cam-2, site: canteen-01, kind: camera}
        """

    init() throws {
        store = try Store(path: dir.file("bk.sqlite"))
        model = StateModel(registry: try RegistryFile.parse(yaml: Self.registry), restoring: [],
                           startedAt: Self.night - 60_000)
        let published = published
        engine = try AlarmEngine(config: .init(), store: store, model: model, clock: SystemClock(),
                                 logger: Logger(label: "test"), webhookTargets: ["ops"]) { topic, payload in
            published.append(topic, String(decoding: payload, as: UTF8.self))
        }
    }

    /// A class-1 detection (a rodent at night), as the MQTT thread feeds it.
    func rodent(_ camera: String, seq: Int64) {
        let key = DeviceKey(site: Self.site, device: DeviceID(camera)!)
        let at = Self.night + seq * 1_000
        let message = DeviceMessage(key: key, receivedAt: at, sequence: SequenceStamp(seq: seq, deviceTime: at),
                                    payload: .event(.detection(Detection(label: "rodent", score: 0.9))))
        _ = model.apply(message)
        engine.observe(message)
    }

    func alarmID(_ camera: String) throws -> String? {
        try store.alarms(AlarmQuery(site: Self.site)).first { $0.device == camera }?.id
    }

    /// Transition kinds published on the site topic for one alarm, in publish order.
    func publishedKinds(of id: String) -> [String] {
        published.all.filter { $0.topic == "bk/v1/canteen-01/_gateway/alarms" && $0.body.contains(id) }
            .compactMap { body in
                body.body.range(of: #""transition":""#).map { String(body.body[$0.upperBound...].prefix { $0 != "\"" }) }
            }
    }

    /// Holds SQLite's write lock from another process (the `sqlite3` shell) for `seconds`; returns
    /// once the lock is held.
    func holdWriteLock(seconds: Double) throws -> ChildProcess {
        let marker = dir.file("held-\(UUID().uuidString.prefix(6))")
        let holder = try ChildProcess(executable: "/usr/bin/sqlite3",
                                      arguments: ["-cmd", "BEGIN IMMEDIATE;", "-cmd", "INSERT INTO gateway_meta (key, value) VALUES ('hold', 'x') ON CONFLICT (key) DO UPDATE SET value = 'y';",
                                                  "-cmd", ".shell touch \(marker)", "-cmd", ".shell sleep \(seconds)",
                                                  dir.file("bk.sqlite"), "COMMIT;"],
                                      logDirectory: dir.path)
        #expect(eventually(timeout: .seconds(10)) { FileManager.default.fileExists(atPath: marker) }, "the lock is held")
        return holder
    }
}

/// Runs `body` on its own thread (an HTTP handler's stand-in) and lets the test wait for it.
private final class Background<T: Sendable>: Sendable {
    let result = Mutex<T?>(nil)

    init(_ body: @escaping @Sendable () -> T) {
        Thread { [self] in
            let value = body()
            result.withLock { $0 = value }
        }.start()
    }

    var value: T? { result.withLock { $0 } }
}

@Suite(.serialized) struct AlarmCommitterTests {
    /// Issue 14: while an API action's transaction waits on SQLite, the engine lock is free. A
    /// detection (stored before its PUBACK) waits in `observe` for its own alarm's commit, behind
    /// the action's, but outside the lock: readers and other messages go on meanwhile, and when
    /// `observe` returns the alarm is stored, after the action, in the order decided.
    @Test func theEngineLockIsFreeWhileAnActionsWriteIsInProgress() throws {
        let f = try CommitFixture()
        f.rodent("cam-1", seq: 1)
        f.engine.waitForCommits()
        let first = try #require(try f.alarmID("cam-1"))

        let holder = try f.holdWriteLock(seconds: 1.5)
        defer { holder.kill() }
        let ack = Background { () -> String in
            do { return try f.engine.acknowledge(id: first, by: "manager", note: nil).state.rawValue } catch {
                return "\(error)"
            }
        }
        // The action is decided and waits on the committer, which waits on the lock.
        #expect(eventually(timeout: .seconds(5)) { f.engine.openAlarms(site: CommitFixture.site).first?.state == .acknowledged })
        #expect(ack.value == nil, "the action's write cannot finish while the lock is held")

        let observed = Background { () -> String? in
            f.rodent("cam-2", seq: 1)
            return try? f.alarmID("cam-2")
        }
        // The second alarm is decided (the open set has it) while the write lock is still held:
        // observe took the engine lock and let go of it before waiting for the commit.
        #expect(eventually(timeout: .seconds(5)) { f.engine.openAlarms(site: CommitFixture.site).count == 2 })
        // Region figures count the same open set, each alarm with its site's division code.
        #expect(f.engine.openAlarmsWithRegion().map(\.region) == ["420106", "420106"])
        let start = ContinuousClock.now
        _ = f.engine.openAlarms(site: CommitFixture.site)
        #expect(start.duration(to: .now) < .milliseconds(200), "a reader waited behind a held write lock")
        #expect(holder.isRunning)
        #expect(observed.value == nil, "a detection's observe returns only once its alarm is stored")
        #expect(try f.alarmID("cam-2") == nil, "not yet stored: the write lock is still held")

        #expect(eventually(timeout: .seconds(15)) { observed.value != nil })
        #expect(observed.value??.isEmpty == false, "stored by the time observe returned")
        #expect(eventually(timeout: .seconds(15)) { ack.value != nil })
        #expect(ack.value == "acknowledged")
        f.engine.waitForCommits()
        let second = try #require(try f.alarmID("cam-2"))
        #expect(f.publishedKinds(of: second) == ["raised"])
        // Committed in the order decided: the acknowledgement's trail row before the second raise's.
        let ackRow = try #require(try f.store.transitions(ofAlarm: first).first { $0.kind == "acknowledged" })
        let raiseRow = try #require(try f.store.transitions(ofAlarm: second).first { $0.kind == "raised" })
        let order = f.published.all.map(\.body)
        let ackAt = try #require(order.firstIndex { $0.contains(first) && $0.contains(#""transition":"acknowledged""#) })
        let raiseAt = try #require(order.firstIndex { $0.contains(second) && $0.contains(#""transition":"raised""#) })
        #expect(ackAt < raiseAt)
        #expect(ackRow.alarmID == first && raiseRow.alarmID == second)
    }

    /// One alarm's transitions queued behind a held write lock are committed and published in
    /// the order they were decided, each published only once stored.
    @Test func oneAlarmsTransitionsAreCommittedAndPublishedInOrder() throws {
        let f = try CommitFixture()
        f.rodent("cam-1", seq: 1)
        f.engine.waitForCommits()
        let id = try #require(try f.alarmID("cam-1"))
        #expect(f.publishedKinds(of: id) == ["raised"])

        let holder = try f.holdWriteLock(seconds: 1)
        defer { holder.kill() }
        // A person works the alarm through while its writes queue up; more detections arrive meanwhile.
        let actions = Background { () -> [String] in
            var states: [String] = []
            do {
                states.append(try f.engine.acknowledge(id: id, by: "manager", note: "seen").state.rawValue)
                states.append(try f.engine.rectify(id: id, by: "manager", action: "traps set", evidence: []).state.rawValue)
                states.append(try f.engine.close(id: id, by: "regulator", note: nil).state.rawValue)
            } catch {
                states.append("\(error)")
            }
            return states
        }
        for seq in 2...4 { f.rodent("cam-1", seq: Int64(seq)) }
        #expect(f.publishedKinds(of: id) == ["raised"], "nothing is published before it is stored")
        #expect(eventually(timeout: .seconds(15)) { actions.value != nil })
        #expect(actions.value == ["acknowledged", "rectified", "closed"])
        f.engine.waitForCommits()

        let trail = try f.store.transitions(ofAlarm: id).map(\.kind)
        let published = f.publishedKinds(of: id)
        #expect(trail == published, "the trail and what was published agree, in order")
        let lifecycle = trail.filter { ["raised", "acknowledged", "rectified", "closed"].contains($0) }
        #expect(lifecycle == ["raised", "acknowledged", "rectified", "closed"])
        #expect(try f.store.alarm(id: id)?.state == .closed)
        #expect(f.engine.openAlarms(site: CommitFixture.site).allSatisfy { $0.id != id })
        #expect(f.engine.openAlarmsWithRegion().allSatisfy { $0.record.id != id }, "a closed alarm leaves the figures")
    }

    /// A batch that cannot be stored is neither published nor kept in memory: the action fails with
    /// `notRecorded`, and the open set is what the database holds.
    @Test func aFailedCommitLeavesTheOpenSetAsStored() throws {
        let f = try CommitFixture()
        f.rodent("cam-1", seq: 1)
        f.engine.waitForCommits()
        let id = try #require(try f.alarmID("cam-1"))
        // A trigger makes every trail insert fail, as a full disk would.
        let sql = "CREATE TRIGGER refuse BEFORE INSERT ON alarm_transition BEGIN SELECT RAISE(ABORT, 'disk full'); END;"
        let trigger = try ChildProcess(executable: "/usr/bin/sqlite3", arguments: [f.dir.file("bk.sqlite"), sql],
                                       logDirectory: f.dir.path)
        trigger.process.waitUntilExit()
        #expect(trigger.process.terminationStatus == 0)

        #expect(throws: AlarmActionError.notRecorded(id)) {
            try f.engine.acknowledge(id: id, by: "manager", note: nil)
        }
        #expect(f.engine.openAlarms(site: CommitFixture.site).first { $0.id == id }?.state == .raised)
        #expect(try f.store.alarm(id: id)?.state == .raised)
        #expect(f.publishedKinds(of: id) == ["raised"])
    }
}
