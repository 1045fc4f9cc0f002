import KitchenModel
import KitchenRules
import Testing

@Suite("Site traffic light")
struct SiteTrafficLightTests {
    let lifecycle = AlarmLifecycle()

    func alarm(_ riskClass: RiskClass?, id: String) -> AlarmRecord {
        let signal = riskClass.map {
            AlarmSignal(.raise, .violation, device: key("cam-1"), label: "l\(id)", riskClass: $0, at: T.at(2),
                        detail: AlarmDetail(count: 1, message: "m", messageEN: "m"))
        } ?? AlarmSignal(.raise, .tooWarm, device: key("fridge-\(id)"), at: T.at(2),
                         detail: AlarmDetail(value: 9, message: "m", messageEN: "m"))
        return lifecycle.raise(signal, id: id).record
    }

    @Test func greenYellowRed() throws {
        #expect(SiteTrafficLight.status(open: []) == .green)
        #expect(SiteTrafficLight.status(open: [alarm(nil, id: "1")]) == .yellow, "an equipment fault")
        #expect(SiteTrafficLight.status(open: [alarm(.class3, id: "1"), alarm(.class2, id: "2")]) == .yellow)
        #expect(SiteTrafficLight.status(open: [alarm(nil, id: "1"), alarm(.class1, id: "2")]) == .red)
        var carded = alarm(.class2, id: "3")
        carded.card = .red
        #expect(SiteTrafficLight.status(open: [carded]) == .red, "a red card, whatever the class")
        carded.card = .yellow
        #expect(SiteTrafficLight.status(open: [carded]) == .yellow)
    }

    @Test func closedAlarmsGiveNoColour() throws {
        let closed = try lifecycle.close(alarm(.class1, id: "1"), by: "li", at: T.at(3), note: "误报").record
        #expect(SiteTrafficLight.status(open: [closed]) == .green)
        #expect(SiteTrafficLight.status(riskClass: .class1, card: .red, state: .closed) == .green)
        #expect(SiteTrafficLight.status(riskClass: nil, card: .none, state: .rectified) == .yellow)
    }

    @Test func statusesOrderWorstLast() {
        #expect(SiteStatus.green < .yellow && SiteStatus.yellow < .red)
        #expect([SiteStatus.yellow, .red, .green].max() == .red)
    }
}
