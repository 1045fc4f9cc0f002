/// Milliseconds since the Unix epoch (UTC), the protocol's unit of time.
public typealias EpochMillis = Int64

/// Site and device ids travel inside MQTT topics, so they are restricted to a
/// charset that can never smuggle a `/`, `+` or `#` into a subscription.
enum TopicSafeName {
    static let maxLength = 64

    static func isValid(_ raw: String) -> Bool {
        // Over the contiguous bytes: `utf8.allSatisfy` went through the view's iterator, about
        // 500 instructions per id, and every MQTT topic checks two (issue 13 item 8).
        raw.utf8.withContiguousStorageIfAvailable(isValid) ?? Array(raw.utf8).withUnsafeBufferPointer(isValid)
    }

    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        for byte in bytes {
            let ok = (byte >= 0x61 && byte <= 0x7A)  // a-z
                || (byte >= 0x30 && byte <= 0x39)  // 0-9
                || byte == 0x2D || byte == 0x5F  // - _
            if !ok { return false }
        }
        return true
    }
}

public struct SiteID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: String

    /// Returns nil unless `rawValue` is 1–64 characters of `a-z 0-9 - _`.
    public init?(_ rawValue: String) {
        guard TopicSafeName.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let id = SiteID(raw) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "site id '\(raw)' must be 1-64 characters of a-z 0-9 - _"))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

public struct DeviceID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: String

    /// Returns nil unless `rawValue` is 1–64 characters of `a-z 0-9 - _`.
    public init?(_ rawValue: String) {
        guard TopicSafeName.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let id = DeviceID(raw) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "device id '\(raw)' must be 1-64 characters of a-z 0-9 - _"))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// A device is only unique within its site.
public struct DeviceKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let site: SiteID
    public let device: DeviceID

    public init(site: SiteID, device: DeviceID) {
        self.site = site
        self.device = device
    }

    public var description: String { "\(site)/\(device)" }
    public static func < (a: Self, b: Self) -> Bool { (a.site, a.device) < (b.site, b.device) }
}
