import KitchenModel

/// Persists a `DeviceKey` as the string `"site/device"`.
///
/// `DeviceKey` in KitchenModel is not `Codable`, and a retroactive conformance declared here would
/// leak into every module importing KitchenRules (and clash if KitchenModel adds one later). The
/// wrapper keeps rule state `Codable` with synthesized conformances and readable JSON.
@propertyWrapper
public struct DeviceKeyCoded: Sendable, Hashable, Codable {
    public var wrappedValue: DeviceKey

    public init(wrappedValue: DeviceKey) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let key = DeviceKeyCoded.key(from: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "device '\(text)' must look like site/device")
        }
        wrappedValue = key
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(DeviceKeyCoded.string(from: wrappedValue))
    }

    static func string(from key: DeviceKey) -> String {
        "\(key.site.rawValue)/\(key.device.rawValue)"
    }

    static func key(from text: String) -> DeviceKey? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let site = SiteID(String(parts[0])), let device = DeviceID(String(parts[1]))
        else { return nil }
        return DeviceKey(site: site, device: device)
    }
}
