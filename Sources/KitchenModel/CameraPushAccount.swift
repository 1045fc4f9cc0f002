/// What the gateway must know about a camera that calls it over HTTP (Hikvision ISAPI event
/// pushes, GA/T 1400 registration and notifications): the credentials it authenticates with and
/// how its vendor's event codes map to DOMAIN.md's labels.
///
/// The password is kept as written in the registry because HTTP digest needs it (or its HA1) to
/// check a response; it is never printed (`description` hides it).
public struct CameraPushAccount: Hashable, Sendable, CustomStringConvertible {
    /// The digest user name the camera sends (ISAPI `httpHosts` `userName`; GA/T 1400 devices
    /// usually use their DeviceID).
    public let username: String
    public let password: String
    /// Vendor event type (ISAPI `eventType`, GA/T 1400 `EventSort` code) → canonical label, laid
    /// over the family's defaults; an empty value drops that type.
    public let labels: [String: String]

    public init(username: String, password: String, labels: [String: String] = [:]) throws(DeviceSourceError) {
        guard (1...64).contains(username.utf8.count),
              username.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != ":" && $0 != "\\" })
        else {
            throw DeviceSourceError("username", "must be 1-64 printable ASCII characters without spaces, quotes, : or \\")
        }
        // Cameras cap their passwords at 16-32 characters; 8 keeps a guessable one out.
        guard (8...128).contains(password.utf8.count), password.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw DeviceSourceError("password", "must be 8-128 characters without control characters")
        }
        for (from, to) in labels {
            guard !from.isEmpty, from.utf8.count <= 64 else {
                throw DeviceSourceError("labels", "event type '\(from)' must be 1-64 characters")
            }
            guard to.isEmpty || (to.utf8.count <= 32 && to.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }))
            else { throw DeviceSourceError("labels", "'\(from)' maps to '\(to)', which is not a label of a-z 0-9 _") }
        }
        self.username = username
        self.password = password
        self.labels = labels
    }

    public var description: String { "CameraPushAccount(username: \(username), password: <hidden>, labels: \(labels.count))" }
}
