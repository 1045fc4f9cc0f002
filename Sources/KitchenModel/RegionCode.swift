/// A GB/T 2260 six-digit administrative division code, optionally followed by a
/// station (所) suffix chosen by the deployment, written `420106` or `420106-03`.
public struct RegionCode: Hashable, Sendable, CustomStringConvertible, Codable {
    /// Exactly six digits: province (2), city (2), county (2).
    public let division: String
    /// The supervision station inside the county, if the deployment uses them.
    public let station: String?

    public init?(_ raw: String) {
        let parts = raw.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let division = String(parts[0])
        guard division.utf8.count == 6, division.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        var station: String?
        if parts.count == 2 {
            let suffix = String(parts[1])
            guard TopicSafeName.isValid(suffix) else { return nil }
            station = suffix
        }
        self.division = division
        self.station = station
    }

    public var province: String { String(division.prefix(2)) }
    public var city: String { String(division.prefix(4)) }
    public var county: String { division }

    public var description: String {
        station.map { "\(division)-\($0)" } ?? division
    }

    /// True when a regulator scoped to `prefix` (`42`, `4201`, `420106`, `420106-03`)
    /// supervises this region.
    public func isWithin(scope prefix: String) -> Bool {
        if prefix.utf8.count <= 6 { return division.hasPrefix(prefix) }
        return description == prefix
    }

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let code = RegionCode(raw) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "region '\(raw)' must be a 6-digit division code with an optional -station suffix"))
        }
        self = code
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
