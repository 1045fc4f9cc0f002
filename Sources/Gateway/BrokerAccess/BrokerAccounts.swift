import Foundation
import KitchenModel

/// Who may use the embedded broker, and for what: one account per native device, restricted to
/// its own `bk/v1/<site>/<device>/` channels, the gateway's own account, which sees everything, and
/// a read-only observer account for people watching the traffic. Rendered as mosquitto's
/// `password_file` and `acl_file`.
///
/// The embedded broker binds client ids to accounts (`use_username_as_clientid`): a session is
/// named by its username. So the gateway's account is named as its client id,
/// `brightkitchen-<gateway-id>`, which keeps the persistent session it had before the binding.
public struct BrokerAccounts: Sendable, Equatable {
    /// The account of the default gateway id `gw1`; in general the gateway's client id,
    /// `GatewayConfiguration.mqttClientID`.
    public static let gatewayUsername = "brightkitchen-gw1"
    static let gatewayPrefix = "brightkitchen-"
    /// The gateway's account name before client ids were bound; still read, replaced on next start.
    static let legacyGatewayUsername = "bk-gateway"
    /// Read-only on every topic, for `mosquitto_sub` while the gateway runs: logging in as the
    /// gateway would take over its session.
    public static let observerUsername = "bk-observer"

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
    public var hasGateway: Bool { !gatewayAccounts.isEmpty }
    public var gatewayAccounts: [String] { hashes.keys.filter(Self.isGatewayUsername).sorted() }

    static func isGatewayUsername(_ username: String) -> Bool {
        username == legacyGatewayUsername || (username.hasPrefix(gatewayPrefix) && validGatewayUsername(username))
    }

    /// A gateway id becomes an account name and a session id: no `:` (the password file's
    /// separator), no `.` (device accounts), no MQTT wildcard or separator, no space.
    static func validGatewayUsername(_ username: String) -> Bool {
        username.count > gatewayPrefix.count && username.count <= 64
            && username.unicodeScalars.allSatisfy { character in
                character.isASCII && (character.properties.isAlphabetic || ("0"..."9").contains(character)
                    || character == "-" || character == "_")
            }
    }

    public func contains(_ key: DeviceKey) -> Bool { hashes[Self.username(for: key)] != nil }

    /// Issues a fresh random password for the device (replacing any earlier one) and returns it:
    /// the only time it exists in clear.
    public mutating func issue(for key: DeviceKey) -> String {
        issue(username: Self.username(for: key))
    }

    /// The gateway's account under `username` (its client id). Any other gateway account is
    /// removed: one gateway uses an embedded broker, and an unused account with write access to
    /// everything is only a risk.
    public mutating func issueGateway(username: String = gatewayUsername) -> String {
        for old in gatewayAccounts where old != username { hashes[old] = nil }
        return issue(username: username)
    }

    public mutating func issueObserver() -> String { issue(username: Self.observerUsername) }

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
            guard Self.isGatewayUsername(username) || username == Self.observerUsername
                    || Self.deviceKey(username: username) != nil else {
                throw ParseError(line: index + 1, problem:
                    "'\(username)' is neither \(Self.gatewayPrefix)<gateway-id>, \(Self.observerUsername) nor <site>.<device>")
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
        var lines = ["# Written by brightkitchen devices provision; edits are lost."]
        for gateway in gatewayAccounts {
            lines += ["user \(gateway)", "topic readwrite #", ""]
        }
        lines += ["user \(Self.observerUsername)", "topic read #"]
        for key in devices {
            let prefix = TopicFilter.devicePrefix(key)
            lines += ["", "user \(Self.username(for: key))"]
            lines += Self.deviceWriteChannels.map { "topic write \(prefix)\($0)" }
            lines += Self.deviceReadChannels.map { "topic read \(prefix)\($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
