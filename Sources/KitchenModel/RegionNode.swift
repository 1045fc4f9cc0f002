/// The four supervision levels, top down: province (`42`), city (`4201`), county (`420106`)
/// and station (`420106-03`).
public enum RegionLevel: String, Sendable, Hashable, Codable, CaseIterable {
    case province, city, county, station

    /// The level below, nil for a station.
    public var child: RegionLevel? {
        switch self {
        case .province: .city
        case .city: .county
        case .county: .station
        case .station: nil
        }
    }
}

/// One node of the region tree: a division-code prefix at one level. Sites belong to every
/// node whose code their `RegionCode` starts with (a county holds its stations' sites too).
public struct RegionNode: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let code: String
    public let level: RegionLevel

    /// `42`, `4201`, `420106` or `420106-03`; anything else is nil.
    public init?(_ raw: String) {
        let digits = raw.utf8.prefix { $0 != UInt8(ascii: "-") }
        if digits.count == raw.utf8.count {
            guard digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            switch digits.count {
            case 2: level = .province
            case 4: level = .city
            case 6: level = .county
            default: return nil
            }
        } else {
            guard let region = RegionCode(raw), region.station != nil else { return nil }
            level = .station
        }
        code = raw
    }

    /// The node of `region` at `level`, nil when the region has no station and a station is asked for.
    public init?(_ region: RegionCode, at level: RegionLevel) {
        switch level {
        case .province: code = region.province
        case .city: code = region.city
        case .county: code = region.county
        case .station:
            guard region.station != nil else { return nil }
            code = region.description
        }
        self.level = level
    }

    public func contains(_ region: RegionCode) -> Bool {
        region.isWithin(scope: code)
    }

    /// The child node a region falls in, nil when it lies elsewhere or below a station.
    public func child(containing region: RegionCode) -> RegionNode? {
        guard contains(region), let level = level.child else { return nil }
        return RegionNode(region, at: level)
    }

    public var description: String { code }

    public static func < (a: Self, b: Self) -> Bool { a.code < b.code }
}
