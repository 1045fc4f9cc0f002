import KitchenModel

/// A site's traffic light from its open alarms: red for an open class-1 alarm or a red card,
/// yellow for any other open alarm, green when nothing is open. The engine's site view, the
/// dashboard and the region figures all colour sites with it.
public enum SiteTrafficLight {
    /// The colour one alarm gives its site while it is open (closed alarms give none).
    public static func status(riskClass: RiskClass?, card: Card, state: AlarmState) -> SiteStatus {
        guard state != .closed else { return .green }
        return riskClass == .class1 || card == .red ? .red : .yellow
    }

    /// The worst colour among a site's alarms.
    public static func status(open alarms: some Sequence<AlarmRecord>) -> SiteStatus {
        alarms.reduce(.green) { max($0, status(riskClass: $1.riskClass, card: $1.card, state: $1.state)) }
    }
}
