import Foundation
import KitchenModel
import Testing
import KitchenRules

@Suite("Offline and stale")
struct PresenceRulesTests {
    let start = T.at(8)

    func fresh() -> PresenceRules {
        PresenceRules(device: key("fridge-1"), intervalSeconds: 60, gatewayStartedAt: start)
    }

    @Test("offline after 3 silent intervals, online again on the next message")
    func silence() {
        var p = fresh()
        #expect(p.heard(at: start + 10 * T.second).isEmpty)
        #expect(p.tick(now: start + 10 * T.second + 179 * T.second).isEmpty)
        #expect(p.status(now: start + 3 * T.minute) == .online)
        let offline = p.tick(now: start + 10 * T.second + 180 * T.second)
        #expect(offline.actions == ["raise offline"])
        #expect(offline[0].detail.message.contains("已 3 分钟未上报数据"))
        #expect(p.tick(now: start + T.hour).isEmpty)  // one alarm, not one per tick
        #expect(p.status(now: start + T.hour) == .offline)
        #expect(p.heard(at: start + T.hour).actions == ["clear offline"])
        #expect(p.status(now: start + T.hour) == .online)
    }

    @Test("offline at once by the device's Will, back online on the next message")
    func will() {
        var p = fresh()
        _ = p.heard(at: start)
        #expect(p.will(at: start + 5 * T.second).actions == ["raise offline"])
        #expect(p.tick(now: start + 10 * T.minute).isEmpty)
        #expect(p.heard(at: start + 11 * T.minute).actions == ["clear offline"])
        #expect(p.tick(now: start + 12 * T.minute).isEmpty)
    }

    @Test("a message processed after a newer Will does not bring the device back")
    func lateMessage() {
        var p = fresh()
        _ = p.heard(at: start)
        _ = p.will(at: start + 10 * T.second)
        #expect(p.heard(at: start + 5 * T.second).isEmpty)
        #expect(p.offlineRaised)
        #expect(p.status(now: start + 20 * T.second) == .offline)
    }

    @Test("a Will older than a message already heard is ignored")
    func lateWill() {
        var p = fresh()
        _ = p.heard(at: start + 10 * T.second)
        #expect(p.will(at: start + 5 * T.second).isEmpty)
        #expect(!p.offlineRaised)
    }

    /// Quick flapping, in time order, with ticks in between: whatever the interleaving, the last
    /// event decides and each edge is signalled exactly once.
    @Test("rapid flapping ends in the state of the last event", arguments: [
        ("WHW", true), ("WHWH", false), ("HWHWHW", true), ("WWHH", false), ("HHWW", true),
        ("WTHTWT", true), ("WTHT", false), ("TTTT", false),
    ])
    func flapping(script: String, endsOffline: Bool) {
        var p = fresh()
        _ = p.heard(at: start)
        var now = start
        var signals: [AlarmSignal] = []
        for step in script {
            now += 2 * T.second
            switch step {
            case "W": signals += p.will(at: now)
            case "H": signals += p.heard(at: now)
            default: signals += p.tick(now: now)
            }
        }
        #expect(p.offlineRaised == endsOffline)
        #expect(p.status(now: now) == (endsOffline ? .offline : .online))
        // Raises and clears alternate, starting with a raise.
        let actions = signals.map(\.action)
        for (i, action) in actions.enumerated() { #expect(action == (i % 2 == 0 ? .raise : .clear)) }
        #expect((actions.last == .raise) == endsOffline)
    }

    @Test("after a restart, an old reading is stale, never OK")
    func staleAfterRestart() {
        var p = PresenceRules(device: key("fridge-1"), intervalSeconds: 60, gatewayStartedAt: start,
                              lastHeardAt: start - T.hour)
        #expect(!p.isFresh(readingReceivedAt: start - T.hour, now: start + T.second))
        #expect(p.tick(now: start + 2 * T.minute).isEmpty)
        #expect(p.status(now: start + 2 * T.minute) == .pending)
        let stale = p.tick(now: start + 3 * T.minute)
        #expect(stale.actions == ["raise stale"])
        #expect(stale[0].detail.since == start - T.hour)
        #expect(stale[0].detail.message.contains("来自重启前"))
        #expect(p.status(now: start + 3 * T.minute) == .stale)
        #expect(p.tick(now: start + T.hour).isEmpty)  // stale, not offline as well
        #expect(p.heard(at: start + T.hour).actions == ["clear stale"])
        #expect(p.isFresh(readingReceivedAt: start + T.hour, now: start + T.hour + T.minute))
        #expect(p.status(now: start + T.hour) == .online)
    }

    @Test("a message soon after the restart means no stale alarm at all")
    func backlogArrives() {
        var p = PresenceRules(device: key("fridge-1"), intervalSeconds: 60, gatewayStartedAt: start,
                              lastHeardAt: start - T.hour)
        #expect(p.heard(at: start + 20 * T.second).isEmpty)
        #expect(p.tick(now: start + 3 * T.minute).isEmpty)
    }

    @Test("a Will after the stale alarm replaces it with offline")
    func staleThenWill() {
        var p = PresenceRules(device: key("fridge-1"), intervalSeconds: 60, gatewayStartedAt: start,
                              lastHeardAt: start - T.hour)
        _ = p.tick(now: start + 3 * T.minute)
        #expect(p.will(at: start + 4 * T.minute).actions == ["clear stale", "raise offline"])
    }

    @Test("an offline alarm persisted across a restart stays, without a stale duplicate")
    func offlineSurvivesRestart() throws {
        var p = fresh()
        _ = p.heard(at: start)
        _ = p.tick(now: start + 10 * T.minute)
        #expect(p.offlineRaised)
        let data = try JSONEncoder().encode(p)
        var restored = try JSONDecoder().decode(PresenceRules.self, from: data)
        restored.gatewayStarted(at: start + T.hour)
        #expect(restored.tick(now: start + T.hour + T.minute).isEmpty)
        #expect(restored.tick(now: start + 2 * T.hour).isEmpty)
        #expect(restored.status(now: start + 2 * T.hour) == .offline)
        #expect(restored.heard(at: start + 2 * T.hour).actions == ["clear offline"])
    }

    @Test("a device never heard since the gateway started is offline after 3 intervals")
    func neverHeard() {
        var p = fresh()
        #expect(p.tick(now: start + 2 * T.minute).isEmpty)
        let signals = p.tick(now: start + 3 * T.minute)
        #expect(signals.actions == ["raise offline"])
        #expect(signals[0].detail.message.contains("从未上报"))
    }

    @Test("the silence window follows the interval announced in birth")
    func intervalChange() {
        var p = fresh()
        p.intervalSeconds = 600
        _ = p.heard(at: start)
        #expect(p.tick(now: start + 29 * T.minute).isEmpty)
        #expect(p.tick(now: start + 30 * T.minute).actions == ["raise offline"])
    }
}
