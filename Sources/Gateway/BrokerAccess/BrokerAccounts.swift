import Foundation
import KitchenModel

/// Who may use the embedded broker, and for what: one account per native device, restricted to
/// its own `bk/v1/<site>/<device>/` channels, and the gateway's own account, which sees everything.
/// Rendered as mosquitto's `password_file` and `acl_file`.
public struct BrokerAccounts: Sendable, Equatable {
    public static let gatewayUsername = "bk-gateway"

    /// Username → hash. Device usernames are `<site>.<device>`: ids never contain a dot, and
    /// mosquitto refuses ACL patterns for usernames with `/`, so explicit per-user rules are written.
    public private(set) var hashes: [String: MosquittoPasswordHash] = [:]

    public init() {}

    public static func username(for key: DeviceKey) -> String { "\(key.site).\(key.device)" }

    static func deviceKey(username: String) -> DeviceKey? {
        let parts = username.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let site = SiteID(String(parts[0])), let device = DeviceID(String(parts[1])) else {
            return nil
        }
        return DeviceKey(site: site, device: device)
    }

    public var devices: [DeviceKey] { hashes.keys.compactMap(Self.deviceKey).sorted() }
    public var hasGateway: Bool { hashes[Self.gatewayUsername] != nil }

    public func contains(_ key: DeviceKey) -> Bool { hashes[Self.username(for: key)] != nil }

    /// Issues a fresh random password for the device (replacing any earlier one) and returns it:
    /// the only time it exists in clear.
    public mutating func issue(for key: DeviceKey) -> String {
        issue(username: Self.username(for: key))
    }

    public mutating func issueGateway() -> String { issue(username: Self.gatewayUsername) }

    private mutating func issue(username: String) -> String {
        let password = Self.randomPassword()
        hashes[username] = MosquittoPasswordHash.make(password: password)
        return password
    }

    /// 24 random bytes, base64url: safe inside an `mqtt://user:password@host` URL without escaping.
    static func randomPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    // MARK: mosquitto files

    public struct ParseError: Error, CustomStringConvertible {
        public let line: Int
        public let problem: String
        public var description: String { "password file line \(line): \(problem)" }
    }

    /// Reads a password file this type wrote (or `mosquitto_passwd` edited). Unknown usernames are
    /// refused rather than silently given no ACL: they could only log in to read nothing.
    public init(passwordFile text: String) throws {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw ParseError(line: index + 1, problem: "expected username:hash")
            }
            let username = String(trimmed[..<colon])
            guard username == Self.gatewayUsername || Self.deviceKey(username: username) != nil else {
                throw ParseError(line: index + 1, problem: "'\(username)' is neither \(Self.gatewayUsername) nor <site>.<device>")
            }
            guard let hash = MosquittoPasswordHash(trimmed[trimmed.index(after: colon)...]) else {
                throw ParseError(line: index + 1, problem: "'\(username)' has no $7$ (PBKDF2-SHA512) hash")
            }
            hashes[username] = hash
        }
    }

    public var passwordFileText: String {
        hashes.keys.sorted().map { "\($0):\(hashes[$0]!)" }.joined(separator: "\n") + "\n"
    }

    /// Channels a device publishes (PROTOCOL.md); `cmd` and `ticket` are only ever the gateway's to send.
    static let deviceWriteChannels = ["birth", "state", "telemetry", "event", "snapshot/+", "frame", "weigh"]
    static let deviceReadChannels = ["cmd", "ticket"]

    /// mosquitto's ACL: anything not granted is denied. A denied publish is dropped silently
    /// (the device gets its PUBACK, so it cannot probe), a denied subscription delivers nothing.
    public var aclFileText: String {
        var lines = [
            "# Written by brightkitchen devices provision; edits are lost.",
            "user \(Self.gatewayUsername)",
            "topic readwrite #",
        ]
        for key in devices {
            let prefix = "bk/v1/\(key.site)/\(key.device)/"
            lines += ["", "user \(Self.username(for: key))"]
            lines += Self.deviceWriteChannels.map { "topic write \(prefix)\($0)" }
            lines += Self.deviceReadChannels.map { "topic read \(prefix)\($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
