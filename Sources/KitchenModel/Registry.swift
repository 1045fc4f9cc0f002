public struct SiteConfig: Hashable, Sendable {
    public var id: SiteID
    public var name: String
    public var kind: SiteKind
    public var region: RegionCode
    public var hours: OperatingHours
    /// Markets only: the stalls and their vendors. Empty means stalls are not checked.
    public var stalls: [Stall]
    /// The food business licence number (食品经营许可证), shown on the public kitchen page.
    public var licence: String?
    /// Cameras whose latest picture the public kitchen page shows while the site is open, in
    /// the page's order (the page numbers them; it never shows their ids).
    public var publicCameras: [DeviceID]
    /// When the licence was issued and the last food-safety incident: no smiley grade in the
    /// months after either (docs/rules.md, "Grades"). Nil when the registry does not say.
    public var licensedOn: CivilDate?
    public var incidentOn: CivilDate?
    /// Markets' notice board (令81): the complaints phone, the managers, and the rules as posted.
    public var complaintsPhone: String?
    public var managers: [String] = []
    public var notice: String?
    /// The ingest shard this site belongs to when set in the registry (`shard:`); nil means its
    /// county code (docs/scale-out.md, "Shards and leases").
    public var shard: String?

    public init(id: SiteID, name: String, kind: SiteKind, region: RegionCode, hours: OperatingHours = .always,
                stalls: [Stall] = [], licence: String? = nil, publicCameras: [DeviceID] = [], shard: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.region = region
        self.hours = hours
        self.stalls = stalls
        self.licence = licence
        self.publicCameras = publicCameras
        self.shard = shard
    }

    public func stall(_ id: String) -> Stall? { stalls.first { $0.id == id } }
}

/// When a disinfection controller is expected to run, as written in the registry:
/// explicit local times, or relative to the site's meal services.
public struct ScheduleSpec: Hashable, Sendable {
    public enum Timing: Hashable, Sendable {
        /// Local times such as `["06:00", "10:30"]`.
        case times([String])
        /// This many minutes before each service starts (UV before a cold-dish room opens).
        case beforeService(minutes: Int)
        /// This many minutes after each service ends (the dish cabinet after each meal).
        case afterService(minutes: Int)
    }

    public var mode: DisinfectionMode
    public var timing: Timing
    public var runMinutes: Int

    public init(mode: DisinfectionMode, timing: Timing, runMinutes: Int) {
        self.mode = mode
        self.timing = timing
        self.runMinutes = runMinutes
    }
}

public struct DeviceConfig: Hashable, Sendable {
    public var key: DeviceKey
    public var kind: DeviceKind
    public var zone: Zone
    /// The report interval the device is expected to keep; offline after 3 missed.
    public var intervalSeconds: Int
    /// Set for devices accepted in provisioning mode rather than listed in the file.
    public var provisioned: Bool
    /// What only some devices have, boxed: a province registers 50,000 thermometers with none
    /// of it, and every config is held several times over (registry, state model, rules).
    private var extras: Extras?

    /// Disinfection controllers only: when runs are due.
    public var schedule: ScheduleSpec? {
        get { extras?.schedule }
        set { extras = Extras(schedule: newValue, stall: stall, source: source, cameraHTTP: cameraHTTP) }
    }

    /// Scales only: the stall the scale stands at; its weighings must name it.
    public var stall: String? {
        get { extras?.stall }
        set { extras = Extras(schedule: schedule, stall: newValue, source: source, cameraHTTP: cameraHTTP) }
    }

    /// A third-party device (Tasmota, zigbee2mqtt, Shelly, Frigate) this registry entry is fed by;
    /// nil for devices speaking protocol v1. The gateway never sends such a device commands.
    public var source: DeviceSource? {
        get { extras?.source }
        set { extras = Extras(schedule: schedule, stall: stall, source: newValue, cameraHTTP: cameraHTTP) }
    }

    /// Cameras only: the snapshot URL the gateway polls and the ISAPI speaker it talks through.
    public var cameraHTTP: CameraHTTPAccess? {
        get { extras?.cameraHTTP }
        set { extras = Extras(schedule: schedule, stall: stall, source: source, cameraHTTP: newValue) }
    }

    public init(key: DeviceKey, kind: DeviceKind, zone: Zone = .ambient, intervalSeconds: Int = 60,
                provisioned: Bool = false, schedule: ScheduleSpec? = nil, stall: String? = nil,
                source: DeviceSource? = nil, cameraHTTP: CameraHTTPAccess? = nil) {
        self.key = key
        self.kind = kind
        self.zone = zone
        self.intervalSeconds = intervalSeconds
        self.provisioned = provisioned
        self.extras = Extras(schedule: schedule, stall: stall, source: source, cameraHTTP: cameraHTTP)
    }

    /// Immutable, so sharing one between copies of a config is safe; nil when all are nil.
    private final class Extras: Hashable, Sendable {
        let schedule: ScheduleSpec?
        let stall: String?
        let source: DeviceSource?
        let cameraHTTP: CameraHTTPAccess?

        init?(schedule: ScheduleSpec?, stall: String?, source: DeviceSource?, cameraHTTP: CameraHTTPAccess?) {
            guard schedule != nil || stall != nil || source != nil || cameraHTTP != nil else { return nil }
            self.schedule = schedule
            self.stall = stall
            self.source = source
            self.cameraHTTP = cameraHTTP
        }

        static func == (a: Extras, b: Extras) -> Bool {
            a.schedule == b.schedule && a.stall == b.stall && a.source == b.source && a.cameraHTTP == b.cameraHTTP
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(schedule)
            hasher.combine(stall)
            hasher.combine(source)
            hasher.combine(cameraHTTP)
        }
    }
}

/// The sites and devices a gateway serves. Immutable: a reload builds a new one.
public struct Registry: Sendable {
    public private(set) var sites: [SiteID: SiteConfig] = [:]
    public private(set) var devices: [DeviceKey: DeviceConfig] = [:]
    public private(set) var devicesBySite: [SiteID: [DeviceKey]] = [:]

    public enum BuildError: Error, CustomStringConvertible, Equatable {
        case duplicateSite(SiteID)
        case duplicateDevice(DeviceKey)
        case deviceOnUnknownSite(DeviceKey)

        public var description: String {
            switch self {
            case .duplicateSite(let s): "site '\(s)' is listed twice"
            case .duplicateDevice(let d): "device '\(d)' is listed twice"
            case .deviceOnUnknownSite(let d): "device '\(d)' names site '\(d.site)', which is not in sites"
            }
        }
    }

    public init() {}

    public init(sites: [SiteConfig], devices: [DeviceConfig]) throws {
        for site in sites {
            guard self.sites[site.id] == nil else { throw BuildError.duplicateSite(site.id) }
            self.sites[site.id] = site
        }
        for device in devices { try add(device) }
    }

    /// Adds a device to a known site (used when provisioning mode accepts a newcomer).
    public mutating func add(_ device: DeviceConfig) throws {
        guard sites[device.key.site] != nil else { throw BuildError.deviceOnUnknownSite(device.key) }
        guard devices[device.key] == nil else { throw BuildError.duplicateDevice(device.key) }
        devices[device.key] = device
        devicesBySite[device.key.site, default: []].append(device.key)
    }

    public func site(_ id: SiteID) -> SiteConfig? { sites[id] }
    public func device(_ key: DeviceKey) -> DeviceConfig? { devices[key] }
}
