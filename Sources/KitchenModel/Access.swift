/// Who an API token speaks for.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Everything, everywhere.
    case admin
    /// Every site whose region lies under the token's scope (`42`, `4201`, `420106-03`).
    case regulator
    /// One site, named by the scope.
    case site
}

/// An authenticated caller and the slice of the world it may see.
public struct Principal: Hashable, Sendable {
    public var role: Role
    public var scope: String?
    public var tokenID: Int64?

    public init(role: Role, scope: String? = nil, tokenID: Int64? = nil) {
        self.role = role
        self.scope = scope
        self.tokenID = tokenID
    }

    public enum ScopeError: Error, CustomStringConvertible, Equatable {
        case scopeRequired(Role)
        case scopeNotAllowed
        case badRegionScope(String)
        case badSiteScope(String)

        public var description: String {
            switch self {
            case .scopeRequired(let role): "role '\(role.rawValue)' needs --scope"
            case .scopeNotAllowed: "role 'admin' takes no scope"
            case .badRegionScope(let s):
                "regulator scope '\(s)' must be a division code prefix of 2, 4 or 6 digits, optionally with -station"
            case .badSiteScope(let s): "site scope '\(s)' is not a valid site id"
            }
        }
    }

    /// Checks that a role and scope make sense together before a token is issued.
    public static func validate(role: Role, scope: String?) throws {
        switch role {
        case .admin:
            if scope != nil { throw ScopeError.scopeNotAllowed }
        case .regulator:
            guard let scope else { throw ScopeError.scopeRequired(role) }
            let digits = scope.prefix { $0 != "-" }
            let validPrefix = [2, 4, 6].contains(digits.count) && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
            let validStation = digits.count == scope.count || (digits.count == 6 && RegionCode(scope) != nil)
            guard validPrefix, validStation else { throw ScopeError.badRegionScope(scope) }
        case .site:
            guard let scope else { throw ScopeError.scopeRequired(role) }
            guard SiteID(scope) != nil else { throw ScopeError.badSiteScope(scope) }
        }
    }

    public func canSee(site: SiteID, region: RegionCode) -> Bool {
        switch role {
        case .admin: true
        case .regulator: scope.map(region.isWithin(scope:)) ?? false
        case .site: scope == site.rawValue
        }
    }

    /// Whether region-wide views (summaries of a region code) are visible.
    public func canSee(regionPrefix: String) -> Bool {
        switch role {
        case .admin: true
        case .regulator: scope.map { regionPrefix.hasPrefix($0) } ?? false
        case .site: false
        }
    }
}
