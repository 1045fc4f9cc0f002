import CameraVision
import KitchenModel
import Yams

/// How the gateway runs camera analysis: the thresholds of each camera (library defaults, a
/// site-wide `defaults` override, then per-camera overrides) and the service's own bounds.
///
/// Read from the `camera:` block of the `--rules` YAML; every key is optional:
/// ```yaml
/// camera:
///   joinWindowSeconds: 60
///   defaults: {quality: {frameIntervalMillis: 5000}}
///   cameras:
///     canteen-01/cam-2: {motion: {minTravel: 0.03}}
/// ```
public struct CameraServiceConfig: Sendable, Decodable {
    /// Every camera's thresholds unless overridden (docs/camera-vision.md lists the defaults).
    public var defaults: CameraVisionConfig
    /// Whole configs per camera, `defaults` with the camera's overrides applied.
    public var cameras: [DeviceKey: CameraVisionConfig]
    /// How long a detection waits for the snapshot it names, or a snapshot for its detection. Default 60.
    public var joinWindowSeconds: Int
    /// Snapshots and detections waiting to be joined, at most. Default 256.
    public var joinMaxPending: Int
    /// Bytes of snapshots waiting to be joined, at most; the oldest go first. Default 32 MiB.
    public var joinMaxBytes: Int
    /// Analysis threads; cameras are spread over them, each camera always on the same one. Default 1.
    public var workers: Int
    /// Jobs waiting per thread; beyond it new frames are dropped and counted. Default 64.
    public var queueMaxJobs: Int
    /// Bytes of JPEGs waiting per thread. Default 64 MiB.
    public var queueMaxBytes: Int
    /// Pictures kept per alarm; an incident that goes on for hours keeps its first ones. Default 20.
    public var maxEvidencePerAlarm: Int

    public init(defaults: CameraVisionConfig = CameraVisionConfig(), cameras: [DeviceKey: CameraVisionConfig] = [:],
                joinWindowSeconds: Int = 60, joinMaxPending: Int = 256, joinMaxBytes: Int = 32 << 20,
                workers: Int = 1, queueMaxJobs: Int = 64, queueMaxBytes: Int = 64 << 20, maxEvidencePerAlarm: Int = 20) {
        self.defaults = defaults
        self.cameras = cameras
        self.joinWindowSeconds = joinWindowSeconds
        self.joinMaxPending = joinMaxPending
        self.joinMaxBytes = joinMaxBytes
        self.workers = workers
        self.queueMaxJobs = queueMaxJobs
        self.queueMaxBytes = queueMaxBytes
        self.maxEvidencePerAlarm = maxEvidencePerAlarm
    }

    public func vision(for camera: DeviceKey) -> CameraVisionConfig {
        cameras[camera] ?? defaults
    }

    enum CodingKeys: String, CodingKey {
        case defaults, cameras, joinWindowSeconds, joinMaxPending, joinMaxBytes, workers, queueMaxJobs, queueMaxBytes
        case maxEvidencePerAlarm
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CameraServiceConfig()
        let defaults = try c.decodeIfPresent(ConfigValue.self, forKey: .defaults)
            .map { try ConfigOverlay.apply($0, to: d.defaults, path: "camera.defaults") } ?? d.defaults
        var cameras: [DeviceKey: CameraVisionConfig] = [:]
        for (text, overrides) in try c.decodeIfPresent([String: ConfigValue].self, forKey: .cameras) ?? [:] {
            guard let key = Self.deviceKey(text) else {
                throw DecodingError.dataCorruptedError(forKey: .cameras, in: c,
                                                       debugDescription: "camera '\(text)' must look like site/device")
            }
            cameras[key] = try ConfigOverlay.apply(overrides, to: defaults, path: "camera.cameras.\(text)")
        }
        func positive(_ key: CodingKeys, _ fallback: Int) throws -> Int {
            let value = try c.decodeIfPresent(Int.self, forKey: key) ?? fallback
            guard value > 0 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(key.stringValue) must be positive")
            }
            return value
        }
        self.init(defaults: defaults, cameras: cameras,
                  joinWindowSeconds: try positive(.joinWindowSeconds, d.joinWindowSeconds),
                  joinMaxPending: try positive(.joinMaxPending, d.joinMaxPending),
                  joinMaxBytes: try positive(.joinMaxBytes, d.joinMaxBytes),
                  workers: min(try positive(.workers, d.workers), 16),
                  queueMaxJobs: try positive(.queueMaxJobs, d.queueMaxJobs),
                  queueMaxBytes: try positive(.queueMaxBytes, d.queueMaxBytes),
                  maxEvidencePerAlarm: try positive(.maxEvidencePerAlarm, d.maxEvidencePerAlarm))
    }
}

extension CameraServiceConfig {
    /// `site/device`, as camera overrides are keyed.
    static func deviceKey(_ text: String) -> DeviceKey? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let site = SiteID(String(parts[0])), let device = DeviceID(String(parts[1])) else {
            return nil
        }
        return DeviceKey(site: site, device: device)
    }
}

/// The part of the `--rules` YAML the camera service reads; `RuleConfig` ignores it.
public struct CameraRulesSection: Decodable, Sendable {
    public var camera: CameraServiceConfig?

    /// The `camera:` block of a rules file; the defaults when it has none.
    public static func parse(yaml: String) throws -> CameraServiceConfig {
        try YAMLDecoder().decode(CameraRulesSection.self, from: yaml).camera ?? CameraServiceConfig()
    }
}
