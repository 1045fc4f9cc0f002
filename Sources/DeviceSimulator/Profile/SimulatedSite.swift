import KitchenModel

/// One kitchen or market as the simulator plays it: the registry facts plus its devices.
public struct SimulatedSite: Sendable, Hashable {
    public var id: SiteID
    public var name: String
    public var kind: SiteKind
    public var region: RegionCode
    public var hours: OperatingHours
    /// The hours exactly as the profile wrote them, and the zone if it named one, so that the
    /// exported registry reads like the profile.
    public var hoursText: String
    public var timeZoneName: String?
    public var devices: [DeviceProfile]

    public init(id: SiteID, name: String, kind: SiteKind, region: RegionCode, hoursText: String,
                timeZoneName: String? = nil, devices: [DeviceProfile]) throws {
        self.id = id
        self.name = name
        self.kind = kind
        self.region = region
        self.hours = try OperatingHours(parsing: hoursText, timeZone: timeZoneName)
        self.hoursText = hoursText
        self.timeZoneName = timeZoneName
        self.devices = devices
    }
}
