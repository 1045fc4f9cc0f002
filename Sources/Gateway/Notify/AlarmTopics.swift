import KitchenModel

/// Where alarm transitions are pushed (PROTOCOL.md, "Gateway outputs"): the site's own
/// topic and its regulator's, so each of the four levels is one MQTT subscription
/// (`bk/v1/_regulator/42/#` for a province, `.../42/4201/#` for a city ...).
public enum AlarmTopics {
    public static func site(_ site: SiteID) -> String { Topic.siteFeed(site, .alarms).description }

    public static func regulator(_ region: RegionCode) -> String { Topic.regulatorFeed(region, .alarms).description }
}
