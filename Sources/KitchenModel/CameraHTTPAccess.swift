/// How the gateway reaches a camera over HTTP itself (docs/third-party-devices.md, "Cameras the
/// gateway calls"): a snapshot URL it polls, and an ISAPI speaker it plays voice warnings on.
/// Registry keys `snapshot:` and `speaker:` of a camera device.
public struct CameraHTTPAccess: Hashable, Sendable {
    public var snapshot: SnapshotPolling?
    public var speaker: CameraSpeaker?

    public init(snapshot: SnapshotPolling? = nil, speaker: CameraSpeaker? = nil) {
        self.snapshot = snapshot
        self.speaker = speaker
    }
}

/// A camera's own account, as the gateway presents it. The password is never printed.
public struct CameraCredentials: Hashable, Sendable, CustomStringConvertible {
    public enum Scheme: String, Hashable, Sendable, CaseIterable {
        /// Answer the camera's Digest challenge (the default: Hikvision, Dahua and ONVIF cameras ask for it).
        case digest
        /// Send Basic up front. Only when configured: Basic over plain HTTP shows the password to the network.
        case basic
    }

    public let username: String
    public let password: String
    public let scheme: Scheme

    public init(username: String, password: String, scheme: String? = nil, field: String) throws(DeviceSourceError) {
        guard (1...64).contains(username.utf8.count),
              username.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != ":" && $0 != "\\" })
        else { throw DeviceSourceError("\(field).username", "must be 1-64 printable ASCII characters without spaces, quotes, : or \\") }
        guard (1...128).contains(password.utf8.count), password.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw DeviceSourceError("\(field).password", "must be 1-128 characters without control characters")
        }
        guard let parsed = Scheme(rawValue: scheme ?? Scheme.digest.rawValue) else {
            throw DeviceSourceError("\(field).auth", "must be digest or basic, got '\(scheme ?? "")'")
        }
        self.username = username
        self.password = password
        self.scheme = parsed
    }

    public var description: String { "CameraCredentials(\(username), <hidden>, \(scheme.rawValue))" }
}

/// A camera without MQTT or push whose picture the gateway fetches every `intervalSeconds`
/// (ISAPI `/ISAPI/Streaming/channels/101/picture`, Dahua `/cgi-bin/snapshot.cgi`, Frigate
/// `/api/<camera>/latest.jpg`, an ONVIF `GetSnapshotUri`).
public struct SnapshotPolling: Hashable, Sendable {
    public static let defaultIntervalSeconds = 10
    public let url: String
    public let credentials: CameraCredentials?
    public let intervalSeconds: Int

    public init(url: String, credentials: CameraCredentials?, intervalSeconds: Int = defaultIntervalSeconds) throws(DeviceSourceError) {
        try CameraHTTPAccess.checkURL(url, field: "snapshot.url")
        guard (1...3_600).contains(intervalSeconds) else {
            throw DeviceSourceError("snapshot.interval_s", "must be 1-3600 seconds, got \(intervalSeconds)")
        }
        self.url = url
        self.credentials = credentials
        self.intervalSeconds = intervalSeconds
    }
}

/// A Hikvision camera's speaker, reached through ISAPI two-way audio at `baseURL`
/// (`PUT /ISAPI/System/TwoWayAudio/channels/<channel>/open`, `audioData`, `close`).
public struct CameraSpeaker: Hashable, Sendable {
    public let baseURL: String
    public let credentials: CameraCredentials
    public let channel: Int

    public init(baseURL: String, credentials: CameraCredentials, channel: Int = 1) throws(DeviceSourceError) {
        try CameraHTTPAccess.checkURL(baseURL, field: "speaker.url")
        guard (1...64).contains(channel) else { throw DeviceSourceError("speaker.channel", "must be 1-64, got \(channel)") }
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.credentials = credentials
        self.channel = channel
    }
}

extension CameraHTTPAccess {
    /// http or https, a host, no user info (credentials go in their own keys, never in a URL
    /// that ends up in logs), printable ASCII.
    static func checkURL(_ url: String, field: String) throws(DeviceSourceError) {
        let lower = url.lowercased()
        guard url.utf8.count <= 512, lower.hasPrefix("http://") || lower.hasPrefix("https://"),
              url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { throw DeviceSourceError(field, "must be an http:// or https:// URL of at most 512 printable characters") }
        let rest = url.drop(while: { $0 != "/" }).dropFirst(2)
        let authority = rest.prefix(while: { $0 != "/" && $0 != "?" })
        guard !authority.isEmpty else { throw DeviceSourceError(field, "has no host") }
        guard !authority.contains("@") else {
            throw DeviceSourceError(field, "must not carry user:password@; use the username and password keys")
        }
    }
}
