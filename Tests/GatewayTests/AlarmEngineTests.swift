import Foundation
import Gateway
import KitchenModel
import Logging
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing

/// What the engine publishes, captured.
private final class Published: Sendable {
    let messages = Mutex<[(String, String)]>([])

    func append(_ topic: String, _ body: String) { messages.withLock { $0.append((topic, body)) } }

    var all: [(String, String)] { messages.withLock { $0 } }
}

/// The engine over a real SQLite store, without a broker: what it publishes is captured.
private struct EngineFixture {
    let dir = TemporaryDirectory("bk-engine")
    let store: Store
    let model: StateModel
    let engine: AlarmEngine
    let published = Published()
    static let t0: EpochMillis = 1_795_276_800_000  // 2026-11-22 00:00 Asia/Shanghai

    init(registry yaml: String) throws {
        store = try Store(path: dir.file("bk.sqlite"))
        model = StateModel(registry: try RegistryFile.parse(yaml: yaml), restoring: [], startedAt: Self.t0)
        let published = published
        engine = try AlarmEngine(config: .init(), store: store, model: model, clock: SystemClock(),
                                 logger: Logger(label: "test"), webhookTargets: ["ops"]) { topic, payload in
            published.append(topic, String(decoding: payload, as: UTF8.self))
        }
    }

    func feed(_ message: DeviceMessage) {
        _ = model.apply(message)
        engine.observe(message)
        engine.waitForCommits()
    }

    /// A clock tick, then its commits (the committer records them after the lock).
    func tick(now: EpochMillis) {
        engine.tick(now: now)
        engine.waitForCommits()
    }
}

private let uv = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("uv-1")!)
private let cam = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-1")!)
private let registry = """
    sites:
      - {id: canteen-01, name: 食堂, kind: canteen, region: "420106", hours: "06:00-20:00"}
    devices:
      - {id: uv-1, site: canteen-01, kind: disinfector, schedule: {mode: steam, times: "10:00", run_min: 15}}
      - {id: cam-1, site: canteen-01, kind: camera}
    """

@Suite struct AlarmEngineTests {
    @Test func schedulesArePushedOnBirthAndRunsLandInTheLedger() throws {
        let f = try EngineFixture(registry: registry)
        let t0 = EngineFixture.t0
        f.feed(DeviceMessage(key: uv, receivedAt: t0 + 1_000, payload: .birth(Birth(
            kind: .disinfector, model: "D", firmware: "1", boot: 1, intervalSeconds: 60))))
        let commands = f.published.all.filter { $0.0 == "bk/v1/canteen-01/uv-1/cmd" }.map(\.1)
        #expect(commands.contains { $0.contains(#""cmd":"schedule""#) && $0.contains(#""times":"10:00""#) })

        // 10:05 local: a steam run of 8 minutes at 100 °C — too short.
        let start = t0 + 10 * 3_600_000 + 5 * 60_000
        let run = DisinfectionRun(mode: .steam, start: start, end: start + 8 * 60_000, peakCelsius: 101, holdSeconds: 480)
        f.feed(DeviceMessage(key: uv, receivedAt: start + 8 * 60_000,
                             sequence: SequenceStamp(seq: 1, deviceTime: start + 8 * 60_000), payload: .event(.run(run))))
        let ledger = try f.store.ledger(site: uv.site)
        #expect(ledger.count == 1)
        #expect(ledger.first?.passed == false)
        #expect(try f.store.alarms(AlarmQuery()).map(\.kind).contains(.runTooShort))
    }

    @Test func aMissedScheduledRunRaisesAnAlarmAfterItsGrace() throws {
        let f = try EngineFixture(registry: registry)
        let t0 = EngineFixture.t0
        f.feed(DeviceMessage(key: uv, receivedAt: t0 + 1_000, payload: .birth(Birth(
            kind: .disinfector, model: "D", firmware: "1", boot: 1, intervalSeconds: 60))))
        f.tick(now: t0 + 10 * 3_600_000 + 20 * 60_000)  // 10:20: still within the grace
        #expect(try !f.store.alarms(AlarmQuery()).map(\.kind).contains(.runMissed))
        f.tick(now: t0 + 10 * 3_600_000 + 45 * 60_000)  // 10:45: missed
        #expect(try f.store.alarms(AlarmQuery()).map(\.kind).contains(.runMissed))
    }

    @Test func classOneDetectionsAlarmOnceAndReachBothTopics() throws {
        let f = try EngineFixture(registry: registry)
        let night = EngineFixture.t0 + 2 * 3_600_000  // 02:00 local, closed
        for i in 0..<20 {
            let at = night + EpochMillis(i) * 10_000
            f.feed(DeviceMessage(key: cam, receivedAt: at, sequence: SequenceStamp(seq: Int64(i + 1), deviceTime: at),
                                 payload: .event(.detection(Detection(label: "rodent", score: 0.9)))))
        }
        let alarms = try f.store.alarms(AlarmQuery())
        #expect(alarms.count == 1)
        #expect(alarms.first?.riskClass == .class1)
        let raised = f.published.all.filter { $0.1.contains(#""transition":"raised""#) }.map(\.0)
        #expect(raised == ["bk/v1/canteen-01/_gateway/alarms", "bk/v1/_regulator/42/4201/420106/alarms"])
        #expect(try f.store.pendingOutbox().count >= 1)
        #expect(f.engine.status(of: SiteID("canteen-01")!) == .red)
    }
}

@Suite struct DigestTests {
    @Test func classThreeViolationsAreSentOnceAsTheNextDaysDigest() throws {
        let f = try EngineFixture(registry: registry)
        let noon = EngineFixture.t0 + 12 * 3_600_000
        for i in 0..<5 {
            let at = noon + EpochMillis(i) * 3_600_000  // five separate incidents
            f.feed(DeviceMessage(key: cam, receivedAt: at, sequence: SequenceStamp(seq: Int64(i + 1), deviceTime: at),
                                 payload: .event(.detection(Detection(label: "no_hat", score: 0.8)))))
        }
        #expect(try f.store.alarms(AlarmQuery()).isEmpty, "class 3 is counted, not alarmed")
        f.tick(now: noon + 6 * 3_600_000)
        #expect(f.published.all.filter { $0.0.hasSuffix("/digest") }.isEmpty, "not before the day is over")
        f.tick(now: EngineFixture.t0 + 24 * 3_600_000 + 60_000)  // 00:01 the next day
        let digests = f.published.all.filter { $0.0.hasSuffix("/digest") }
        #expect(digests.map(\.0) == ["bk/v1/canteen-01/_gateway/digest", "bk/v1/_regulator/42/4201/420106/digest"])
        #expect(digests.first?.1.contains(#""day":"2026-11-22""#) == true)
        #expect(digests.first?.1.contains(#""incidents":5"#) == true)
        f.tick(now: EngineFixture.t0 + 24 * 3_600_000 + 120_000)
        #expect(f.published.all.filter { $0.0.hasSuffix("/digest") }.count == 2, "sent once")
    }
}
