import KitchenModel
import RegionNames

/// One device as the API shows it.
public struct DeviceView: Sendable, Encodable {
    public var id: String
    public var kind: String
    public var zone: String
    public var online: Bool
    /// Online, but nothing heard for over three report intervals.
    public var silent: Bool
    /// The reading shown was received before the gateway last started.
    public var stale: Bool
    public var boot: Int64?
    public var lastSeq: Int64?
    public var lastSeenMs: EpochMillis?
    public var intervalS: Int
    public var model: String?
    public var firmware: String?
    public var reading: ReadingView?
    public var clockOffsetMs: Int64?
    public var missingSeqs: Int64
    public var lostSeqs: Int64
    public var provisioned: Bool

    enum CodingKeys: String, CodingKey {
        case id, kind, zone, online, silent, stale, boot, model, firmware, reading, provisioned
        case lastSeq = "last_seq", lastSeenMs = "last_seen_ms", intervalS = "interval_s"
        case clockOffsetMs = "clock_offset_ms", missingSeqs = "missing_seqs", lostSeqs = "lost_seqs"
    }

    public init(id: String, kind: String, zone: String, online: Bool, silent: Bool, stale: Bool, boot: Int64?,
                lastSeq: Int64?, lastSeenMs: EpochMillis?, intervalS: Int, model: String?, firmware: String?,
                reading: ReadingView?, clockOffsetMs: Int64?, missingSeqs: Int64, lostSeqs: Int64, provisioned: Bool) {
        self.id = id
        self.kind = kind
        self.zone = zone
        self.online = online
        self.silent = silent
        self.stale = stale
        self.boot = boot
        self.lastSeq = lastSeq
        self.lastSeenMs = lastSeenMs
        self.intervalS = intervalS
        self.model = model
        self.firmware = firmware
        self.reading = reading
        self.clockOffsetMs = clockOffsetMs
        self.missingSeqs = missingSeqs
        self.lostSeqs = lostSeqs
        self.provisioned = provisioned
    }
}

/// A device's latest reading: channel values by name, and a disinfector's state and fault.
public struct ReadingView: Sendable, Encodable {
    public var tsMs: EpochMillis
    public var receivedMs: EpochMillis
    public var values: [String: Double]
    public var state: String?
    public var fault: String?

    enum CodingKeys: String, CodingKey {
        case tsMs = "ts_ms", receivedMs = "received_ms", values, state, fault
    }

    public init(tsMs: EpochMillis, receivedMs: EpochMillis, values: [String: Double], state: String? = nil,
                fault: String? = nil) {
        self.tsMs = tsMs
        self.receivedMs = receivedMs
        self.values = values
        self.state = state
        self.fault = fault
    }
}

public struct DeviceCounts: Sendable, Encodable {
    public var total = 0
    public var online = 0
    public var offline = 0
    public var silent = 0
    public var stale = 0

    public init() {}
}

/// One site at a glance.
public struct SiteSummary: Sendable, Encodable {
    public var id: String
    public var name: String
    public var kind: String
    public var region: String
    /// The region's GB/T 2260 names (`湖北省 武汉市 武昌区`), or the code when the table does not know it.
    public var regionName: String
    public var hours: String
    public var openNow: Bool
    public var devices: DeviceCounts
    public var lastSeenMs: EpochMillis?

    enum CodingKeys: String, CodingKey {
        case id, name, kind, region, hours, devices
        case regionName = "region_name", openNow = "open_now", lastSeenMs = "last_seen_ms"
    }

    public init(id: String, name: String, kind: String, region: String, hours: String, openNow: Bool,
                devices: DeviceCounts, lastSeenMs: EpochMillis?) {
        self.id = id
        self.name = name
        self.kind = kind
        self.region = region
        regionName = RegionNames.shared.path(region)
        self.hours = hours
        self.openNow = openNow
        self.devices = devices
        self.lastSeenMs = lastSeenMs
    }
}

/// One site's full state model.
public struct SiteView: Sendable, Encodable {
    public var site: SiteSummary
    public var deviceList: [DeviceView]

    enum CodingKeys: String, CodingKey {
        case site, deviceList = "devices"
    }

    public init(site: SiteSummary, deviceList: [DeviceView]) {
        self.site = site
        self.deviceList = deviceList
    }
}
