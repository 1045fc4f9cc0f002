import KitchenModel

/// The registry's `snapshot:` and `speaker:` keys of a camera (docs/third-party-devices.md,
/// "Cameras the gateway calls"):
///
/// ```yaml
/// snapshot: {url: "http://10.0.0.5/ISAPI/Streaming/channels/101/picture", username: admin, password: "…", interval_s: 10}
/// speaker: {url: "http://10.0.0.5", username: admin, password: "…", channel: 1}
/// ```
struct RawCameraHTTP: Decodable {
    var url: String?
    var username: String?
    var password: String?
    var auth: String?
    var interval_s: Int?
    var channel: Int?
    var unknownKeys: [String] = []

    static let keys = ["url", "username", "password", "auth", "interval_s", "channel"]

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        unknownKeys = c.unknownKeys(allowed: Self.keys)
        url = try c.decodeIfPresent(String.self, forKey: AnyKey("url"))
        username = try c.decodeIfPresent(String.self, forKey: AnyKey("username"))
        password = try c.decodeIfPresent(String.self, forKey: AnyKey("password"))
        auth = try c.decodeIfPresent(String.self, forKey: AnyKey("auth"))
        interval_s = try c.decodeIfPresent(Int.self, forKey: AnyKey("interval_s"))
        channel = try c.decodeIfPresent(Int.self, forKey: AnyKey("channel"))
    }

    func credentials(_ field: String, required: Bool) throws(DeviceSourceError) -> CameraCredentials? {
        guard username != nil || password != nil || auth != nil else {
            if required { throw DeviceSourceError("\(field).password", "is missing: the camera account the gateway signs in with") }
            return nil
        }
        guard let username, let password else {
            throw DeviceSourceError("\(field).\(username == nil ? "username" : "password")", "give both username and password")
        }
        return try CameraCredentials(username: username, password: password, scheme: auth, field: field)
    }

    func checkKeys(_ field: String, allowed: [String]) throws(DeviceSourceError) {
        if let unknown = (unknownKeys + Self.keys.filter { !allowed.contains($0) && isSet($0) }).first {
            throw DeviceSourceError("\(field).\(unknown)", "unknown key; expected one of \(allowed.joined(separator: ", "))")
        }
    }

    private func isSet(_ key: String) -> Bool {
        switch key {
        case "interval_s": interval_s != nil
        case "channel": channel != nil
        default: false
        }
    }
}

enum CameraHTTPFields {
    /// nil when the device has neither key; refuses them on anything but a camera.
    static func parse(snapshot: RawCameraHTTP?, speaker: RawCameraHTTP?, kind: DeviceKind) throws(DeviceSourceError) -> CameraHTTPAccess? {
        guard snapshot != nil || speaker != nil else { return nil }
        guard kind == .camera else { throw DeviceSourceError(snapshot != nil ? "snapshot" : "speaker", "only cameras take this") }
        var access = CameraHTTPAccess()
        if let snapshot {
            try snapshot.checkKeys("snapshot", allowed: ["url", "username", "password", "auth", "interval_s"])
            guard let url = snapshot.url else { throw DeviceSourceError("snapshot.url", "is missing: the camera's snapshot URL") }
            access.snapshot = try SnapshotPolling(url: url, credentials: snapshot.credentials("snapshot", required: false),
                                                  intervalSeconds: snapshot.interval_s ?? SnapshotPolling.defaultIntervalSeconds)
        }
        if let speaker {
            try speaker.checkKeys("speaker", allowed: ["url", "username", "password", "auth", "channel"])
            guard let url = speaker.url else { throw DeviceSourceError("speaker.url", "is missing: the camera's address, e.g. http://10.0.0.5") }
            access.speaker = try CameraSpeaker(baseURL: url, credentials: speaker.credentials("speaker", required: true)!,
                                               channel: speaker.channel ?? 1)
        }
        return access
    }
}
