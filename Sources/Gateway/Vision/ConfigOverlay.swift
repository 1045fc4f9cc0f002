import Foundation

/// A configuration document as plain values, so a file can name only the settings it changes:
/// the overrides are laid over the encoded defaults and the result decoded again. The library's
/// config types (`CameraVisionConfig` and its parts) decode only complete documents.
public enum ConfigValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case text(String)
    case list([ConfigValue])
    case table([String: ConfigValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let value = try? c.decode(Bool.self) { self = .bool(value) }
        else if let value = try? c.decode(Int64.self) { self = .integer(value) }
        else if let value = try? c.decode(Double.self) { self = .number(value) }
        else if let value = try? c.decode(String.self) { self = .text(value) }
        else if let value = try? c.decode([ConfigValue].self) { self = .list(value) }
        else { self = .table(try c.decode([String: ConfigValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let value): try c.encode(value)
        case .integer(let value): try c.encode(value)
        case .number(let value): try c.encode(value)
        case .text(let value): try c.encode(value)
        case .list(let value): try c.encode(value)
        case .table(let value): try c.encode(value)
        }
    }
}

/// A setting the defaults do not have: almost always a typo, which must not pass silently.
public struct UnknownSetting: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var description: String { "unknown setting '\(path)'" }
}

enum ConfigOverlay {
    /// `base` with `overrides` laid over it: tables merge key by key, anything else replaces.
    static func merge(_ base: ConfigValue, _ overrides: ConfigValue, path: String = "") throws -> ConfigValue {
        guard case .table(var merged) = base, case .table(let changes) = overrides else { return overrides }
        for (key, change) in changes {
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            guard let current = merged[key] else { throw UnknownSetting(path: keyPath) }
            merged[key] = try merge(current, change, path: keyPath)
        }
        return .table(merged)
    }

    /// Decodes `T` from `defaults` with `overrides` applied.
    static func apply<T: Codable>(_ overrides: ConfigValue, to defaults: T, path: String = "") throws -> T {
        let base = try JSONDecoder().decode(ConfigValue.self, from: JSONEncoder().encode(defaults))
        let merged = try merge(base, overrides, path: path)
        return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(merged))
    }
}
