/// How a registry device is bound to an off-the-shelf device that keeps its own MQTT format
/// (Tasmota, zigbee2mqtt, Shelly Gen2+, Frigate NVR). `docs/third-party-devices.md` shows the
/// registry YAML each field comes from.
public struct DeviceSource: Hashable, Sendable {
    public enum Family: String, Hashable, Sendable, CaseIterable {
        case tasmota, zigbee2mqtt, shelly, frigate
        /// Hikvision ISAPI event pushes (`EventNotificationAlert` to an `httpHosts` target), over HTTP.
        case isapi
        /// GA/T 1400 (视图库) devices registering and notifying over HTTP.
        case gat1400

        /// Families whose devices call the gateway over HTTP instead of publishing on MQTT.
        public var pushesOverHTTP: Bool { self == .isapi || self == .gat1400 }
    }

    /// Which reading of a device that carries several feeds this registry device.
    public enum SensorSelection: Hashable, Sendable {
        /// A Tasmota SENSOR key (`DS18B20-2`, `AM2301`) or a Shelly component id (`0`, `100`).
        case key(String)
        /// A DS18x20 probe's ROM `Id`, which survives re-wiring (the `-N` suffix is bus order).
        case probe(String)
    }

    public let family: Family
    /// Tasmota topic, zigbee2mqtt friendly name, Shelly device id (its MQTT topic prefix) or
    /// Frigate camera name.
    public let sourceID: String
    /// The MQTT topic prefix of the Frigate instance serving the camera; nil for other families.
    public let instance: String?
    public let sensor: SensorSelection?
    /// A Tasmota plug in front of a disinfection lamp; makes the device a disinfector.
    public let plug: PlugDisinfector?
    /// Frigate cameras only.
    public let camera: FrigateCamera?
    /// ISAPI and GA/T 1400 cameras only: how the camera proves itself and its label table.
    public let push: CameraPushAccount?

    public static let defaultFrigateInstance = "frigate"

    /// The kind the registry must give the device bound to this source.
    public var kind: DeviceKind {
        switch family {
        case .tasmota: plug == nil ? .thermo : .disinfector
        case .zigbee2mqtt, .shelly: .thermo
        case .frigate, .isapi, .gat1400: .camera
        }
    }

    /// Builds a source from the registry's plain values, refusing combinations the adapters
    /// cannot honour. `sensor` and `probe` are mutually exclusive.
    public init(family familyName: String, id: String, instance: String? = nil, sensor: String? = nil,
                probe: String? = nil, plug: PlugDisinfector? = nil, camera: FrigateCamera? = nil,
                push: CameraPushAccount? = nil) throws(DeviceSourceError) {
        guard let family = Family(rawValue: familyName) else {
            throw DeviceSourceError("family", "must be one of \(Family.allCases.map(\.rawValue).joined(separator: ", ")), "
                + "got '\(familyName)'")
        }
        try Self.checkSourceID(id, family: family)
        self.family = family
        self.sourceID = id

        if family == .frigate {
            let prefix = instance ?? Self.defaultFrigateInstance
            try Self.checkInstance(prefix)
            self.instance = prefix
            guard let camera else {
                throw DeviceSourceError("detect", "a Frigate camera needs its detect width and height (Frigate's "
                    + "cameras.\(id).detect.width/height) to turn pixel boxes into fractions")
            }
            self.camera = camera
        } else {
            guard instance == nil else { throw DeviceSourceError("instance", "only Frigate sources have an instance") }
            guard camera == nil else { throw DeviceSourceError("detect", "only Frigate sources take camera settings") }
            self.instance = nil
            self.camera = nil
        }

        if family.pushesOverHTTP {
            guard let push else {
                throw DeviceSourceError("password", "an \(family.rawValue) camera needs the password it authenticates with")
            }
            self.push = push
        } else {
            guard push == nil else { throw DeviceSourceError("password", "only isapi and gat1400 sources take credentials") }
            self.push = nil
        }

        guard plug == nil || family == .tasmota else {
            throw DeviceSourceError("plug", "plug-to-disinfector binding is supported for tasmota sources only")
        }
        self.plug = plug

        switch (sensor, probe) {
        case (nil, nil):
            self.sensor = nil
        case (.some, .some):
            throw DeviceSourceError("sensor", "give either sensor or probe, not both")
        case (let key?, nil):
            try Self.checkSensorKey(key, family: family)
            self.sensor = .key(key)
        case (nil, let rom?):
            guard family == .tasmota else { throw DeviceSourceError("probe", "only tasmota sources select DS18x20 probes") }
            guard (1...16).contains(rom.utf8.count), rom.utf8.allSatisfy(\.isHexDigit) else {
                throw DeviceSourceError("probe", "must be the probe's hexadecimal Id as Tasmota shows it "
                    + "(e.g. 000008BD38BF), got '\(rom)'")
            }
            self.sensor = .probe(rom.uppercased())
        }
    }

    private static func checkSourceID(_ id: String, family: Family) throws(DeviceSourceError) {
        guard !id.isEmpty, id.utf8.count <= 128 else { throw DeviceSourceError("id", "must be 1-128 characters") }
        guard id.utf8.allSatisfy(\.isTopicText) else {
            throw DeviceSourceError("id", "'\(id)' must not contain MQTT wildcards (+ #) or control characters")
        }
        switch family {
        case .zigbee2mqtt:
            // Friendly names may hold `/` (zigbee2mqtt uses it for folders), but not the bridge's
            // own topics or the suffixes that name a device's sub-topics.
            let segments = id.split(separator: "/", omittingEmptySubsequences: false)
            guard !segments.contains(where: \.isEmpty) else {
                throw DeviceSourceError("id", "friendly name '\(id)' has an empty segment")
            }
            guard segments.first != "bridge", !["availability", "set", "get"].contains(segments.last ?? "") else {
                throw DeviceSourceError("id", "friendly name '\(id)' collides with zigbee2mqtt's own topics")
            }
        case .frigate:
            guard id.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == 0x5F || $0 == 0x2D }) else {
                throw DeviceSourceError("id", "Frigate camera name '\(id)' must be letters, digits, _ or -")
            }
        case .tasmota, .shelly:
            guard !id.contains("/") else { throw DeviceSourceError("id", "'\(id)' must be one topic segment (no /)") }
        case .isapi:
            // It is a path segment of the camera's notification URL.
            guard id.utf8.count <= 64, id.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }) else {
                throw DeviceSourceError("id", "ISAPI camera id '\(id)' must be 1-64 letters, digits, _ - or .")
            }
        case .gat1400:
            guard id.utf8.count == 20, id.utf8.allSatisfy(\.isASCIIDigit) else {
                throw DeviceSourceError("id", "a GA/T 1400 DeviceID is 20 digits, got '\(id)'")
            }
        }
    }

    private static func checkInstance(_ prefix: String) throws(DeviceSourceError) {
        let segments = prefix.split(separator: "/", omittingEmptySubsequences: false)
        guard !prefix.isEmpty, prefix.utf8.count <= 64, prefix.utf8.allSatisfy(\.isTopicText),
              !segments.contains(where: \.isEmpty)
        else { throw DeviceSourceError("instance", "'\(prefix)' must be an MQTT topic prefix such as frigate") }
        // These prefixes belong to the other families and to the native protocol.
        guard !["tele", "stat", "zigbee2mqtt", "bk"].contains(segments[0]) else {
            throw DeviceSourceError("instance", "'\(prefix)' collides with another family's topics")
        }
    }

    private static func checkSensorKey(_ key: String, family: Family) throws(DeviceSourceError) {
        switch family {
        case .tasmota:
            guard !key.isEmpty, key.utf8.count <= 64 else { throw DeviceSourceError("sensor", "must be 1-64 characters") }
        case .shelly:
            guard !key.isEmpty, key.utf8.count <= 4, key.utf8.allSatisfy(\.isASCIIDigit) else {
                throw DeviceSourceError("sensor", "a Shelly sensor is a component id such as 0 or 100, got '\(key)'")
            }
        case .zigbee2mqtt, .frigate, .isapi, .gat1400:
            throw DeviceSourceError("sensor", "\(family.rawValue) sources have no sensor selection")
        }
    }
}

/// A smart plug powering a disinfection lamp: its power draw says whether the lamp runs.
public struct PlugDisinfector: Hashable, Sendable {
    /// Draw at or above this is a run.
    public let runWatts: Double
    /// Switched on and drawing less than this is a failed lamp.
    public let faultBelowWatts: Double
    /// How long the low draw must last before it counts as a fault: a lamp and its ballast
    /// need a moment after switch-on, and the first report may catch it.
    public let faultAfterSeconds: Int
    public let mode: DisinfectionMode

    public init(runWatts: Double, faultBelowWatts: Double? = nil, faultAfterSeconds: Int = 60,
                mode: String = DisinfectionMode.uv.rawValue) throws(DeviceSourceError) {
        guard runWatts > 0, runWatts <= 10_000 else {
            throw DeviceSourceError("plug.run_w", "must be above 0 and at most 10000 W, got \(runWatts)")
        }
        let faultBelow = faultBelowWatts ?? runWatts
        guard faultBelow >= 0, faultBelow <= runWatts else {
            throw DeviceSourceError("plug.fault_below_w", "must be between 0 and run_w (\(runWatts)), got \(faultBelow)")
        }
        guard (0...3_600).contains(faultAfterSeconds) else {
            throw DeviceSourceError("plug.fault_after_s", "must be 0-3600 seconds, got \(faultAfterSeconds)")
        }
        guard let parsedMode = DisinfectionMode(rawValue: mode) else {
            throw DeviceSourceError("plug.mode", "must be one of "
                + DisinfectionMode.allCases.map(\.rawValue).joined(separator: ", ") + ", got '\(mode)'")
        }
        self.runWatts = runWatts
        self.faultBelowWatts = faultBelow
        self.faultAfterSeconds = faultAfterSeconds
        self.mode = parsedMode
    }
}

/// What the gateway must know about a Frigate camera that Frigate's events do not say.
public struct FrigateCamera: Hashable, Sendable {
    /// Frigate reports boxes in pixels of the detect stream; these turn them into fractions.
    public let detectWidth: Int
    public let detectHeight: Int
    /// Frigate label → canonical label, merged over `defaultLabels`; an empty value drops the label.
    public let labels: [String: String]
    /// When not empty, only objects currently in one of these Frigate zones are reported.
    public let zones: Set<String>

    /// Labels Frigate's stock and common custom models use, mapped to DOMAIN.md's. `person`
    /// stays `person`: the violation rules turn it into `intrusion` outside operating hours.
    public static let defaultLabels: [String: String] = [
        "person": "person", "rat": "rodent", "mouse": "rodent", "rodent": "rodent",
        "cockroach": "pest", "insect": "pest",
    ]

    public init(detectWidth: Int, detectHeight: Int, labels: [String: String] = [:], zones: [String] = []) throws(DeviceSourceError) {
        guard (1...16_384).contains(detectWidth), (1...16_384).contains(detectHeight) else {
            throw DeviceSourceError("detect", "width and height must be 1-16384 pixels, got \(detectWidth)x\(detectHeight)")
        }
        for (from, to) in labels {
            guard !from.isEmpty, from.utf8.count <= 64 else {
                throw DeviceSourceError("labels", "Frigate label '\(from)' must be 1-64 characters")
            }
            // Canonical labels travel as protocol labels: a-z 0-9 _, 1-32 characters.
            guard to.isEmpty || (to.utf8.count <= 32 && to.utf8.allSatisfy({ $0.isASCIILower || $0.isASCIIDigit || $0 == 0x5F }))
            else { throw DeviceSourceError("labels", "'\(from)' maps to '\(to)', which is not a label of a-z 0-9 _") }
        }
        self.detectWidth = detectWidth
        self.detectHeight = detectHeight
        self.labels = Self.defaultLabels.merging(labels) { _, configured in configured }
        self.zones = Set(zones)
    }

    /// The canonical label for a Frigate label, or nil when it is not reported.
    public func canonicalLabel(for frigateLabel: String) -> String? {
        guard let label = labels[frigateLabel], !label.isEmpty else { return nil }
        return label
    }
}

/// A registry `source:` entry that cannot be used, naming the field and what it must be.
public struct DeviceSourceError: Error, Hashable, Sendable, CustomStringConvertible {
    public let field: String
    public let problem: String

    public init(_ field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "source.\(field): \(problem)" }
}

private extension UInt8 {
    var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isASCIILower: Bool { self >= 0x61 && self <= 0x7A }
    var isASCIIAlphanumeric: Bool { isASCIIDigit || isASCIILower || (self >= 0x41 && self <= 0x5A) }
    var isHexDigit: Bool { isASCIIDigit || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66) }
    /// Printable (zigbee2mqtt friendly names often hold spaces) and not an MQTT wildcard;
    /// `/` is checked per family.
    var isTopicText: Bool { self >= 0x20 && self != 0x7F && self != 0x2B && self != 0x23 }
}
