import DeviceAdapters
import KitchenModel

/// The `source:` block of a registry device, as written in YAML (docs/third-party-devices.md):
///
/// ```yaml
/// source: {family: tasmota, id: uv-plug, plug: {run_w: 15, fault_below_w: 5}}
/// ```
///
/// Unknown keys are refused: a misspelt `probe` would otherwise silently bind the wrong reading.
/// They are collected while decoding and reported by `deviceSource()`, where the device's
/// place in the file is known.
struct RawSource: Decodable {
    var family: String?
    var id: String?
    var instance: String?
    var sensor: String?
    var probe: String?
    var plug: RawPlug?
    var detect: RawDetect?
    var labels: [String: String]?
    var zones: [String]?
    var username: String?
    var password: String?
    var unknownKeys: [String] = []

    struct RawPlug: Decodable {
        var run_w: Double?
        var fault_below_w: Double?
        var fault_after_s: Int?
        var mode: String?
        var unknownKeys: [String] = []

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            unknownKeys = c.unknownKeys(allowed: Self.keys)
            run_w = try c.decodeIfPresent(Double.self, forKey: AnyKey("run_w"))
            fault_below_w = try c.decodeIfPresent(Double.self, forKey: AnyKey("fault_below_w"))
            fault_after_s = try c.decodeIfPresent(Int.self, forKey: AnyKey("fault_after_s"))
            mode = try c.decodeIfPresent(String.self, forKey: AnyKey("mode"))
        }

        static let keys = ["run_w", "fault_below_w", "fault_after_s", "mode"]
    }

    struct RawDetect: Decodable {
        var width: Int?
        var height: Int?
    }

    static let keys = ["family", "id", "instance", "sensor", "probe", "plug", "detect", "labels", "zones", "username", "password"]

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        unknownKeys = c.unknownKeys(allowed: Self.keys)
        family = try c.decodeIfPresent(String.self, forKey: AnyKey("family"))
        id = try c.decodeIfPresent(String.self, forKey: AnyKey("id"))
        instance = try c.decodeIfPresent(String.self, forKey: AnyKey("instance"))
        sensor = try c.decodeIfPresent(String.self, forKey: AnyKey("sensor"))
        probe = try c.decodeIfPresent(String.self, forKey: AnyKey("probe"))
        plug = try c.decodeIfPresent(RawPlug.self, forKey: AnyKey("plug"))
        detect = try c.decodeIfPresent(RawDetect.self, forKey: AnyKey("detect"))
        labels = try c.decodeIfPresent([String: String].self, forKey: AnyKey("labels"))
        zones = try c.decodeIfPresent([String].self, forKey: AnyKey("zones"))
        username = try c.decodeIfPresent(String.self, forKey: AnyKey("username"))
        password = try c.decodeIfPresent(String.self, forKey: AnyKey("password"))
    }

    /// Checks every value through the `DeviceSource` initialisers, which name the bad field.
    func deviceSource() throws(DeviceSourceError) -> DeviceSource {
        if let unknown = unknownKeys.first {
            throw DeviceSourceError(unknown, "unknown key; expected one of \(Self.keys.joined(separator: ", "))")
        }
        if let unknown = plug?.unknownKeys.first {
            throw DeviceSourceError("plug.\(unknown)", "unknown key; expected one of \(RawPlug.keys.joined(separator: ", "))")
        }
        guard let family else { throw DeviceSourceError("family", "is missing (tasmota, zigbee2mqtt, shelly, frigate, isapi or gat1400)") }
        guard let id else { throw DeviceSourceError("id", "is missing: the device's topic, friendly name or camera name") }
        var plugDisinfector: PlugDisinfector?
        if let plug {
            guard let runWatts = plug.run_w else { throw DeviceSourceError("plug.run_w", "is missing: the draw of a running lamp, in W") }
            plugDisinfector = try PlugDisinfector(runWatts: runWatts, faultBelowWatts: plug.fault_below_w,
                                                  faultAfterSeconds: plug.fault_after_s ?? 60,
                                                  mode: plug.mode ?? DisinfectionMode.uv.rawValue)
        }
        var camera: FrigateCamera?
        var push: CameraPushAccount?
        if let pushFamily = DeviceSource.Family(rawValue: family), pushFamily.pushesOverHTTP {
            // ISAPI and GA/T 1400 cameras: credentials and a label table, no Frigate settings.
            if detect != nil || zones != nil {
                throw DeviceSourceError(detect != nil ? "detect" : "zones", "only Frigate sources take this")
            }
            guard let password else {
                throw DeviceSourceError("password", "is missing: the password the camera authenticates with")
            }
            push = try CameraPushAccount(username: username ?? id, password: password, labels: labels ?? [:])
        } else if username != nil || password != nil {
            throw DeviceSourceError(username != nil ? "username" : "password", "only isapi and gat1400 sources take credentials")
        } else if let detect {
            guard let width = detect.width, let height = detect.height else {
                throw DeviceSourceError("detect", "needs both width and height")
            }
            camera = try FrigateCamera(detectWidth: width, detectHeight: height, labels: labels ?? [:], zones: zones ?? [])
        } else if labels != nil || zones != nil {
            // Only Frigate takes labels and zones, and a Frigate camera needs `detect` anyway.
            throw DeviceSourceError(labels != nil ? "labels" : "zones", "only Frigate sources, next to detect, take this")
        }
        return try DeviceSource(family: family, id: id, instance: instance, sensor: sensor, probe: probe,
                                plug: plugDisinfector, camera: camera, push: push)
    }
}

/// A coding key for any name, so a `source:` block can list the keys it does not know.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer<AnyKey> {
    func unknownKeys(allowed: [String]) -> [String] {
        allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
    }
}

extension RegistryFile {
    /// The registry's third-party bindings, indexed for the router. Two devices bound to the same
    /// reading are refused: every alarm would be doubled.
    public static func sourceBindings(_ registry: Registry) throws(SourceBindings.ConflictError) -> SourceBindings {
        var sources: [DeviceKey: DeviceSource] = [:]
        for (key, config) in registry.devices {
            if let source = config.source { sources[key] = source }
        }
        return try SourceBindings(sources)
    }
}
