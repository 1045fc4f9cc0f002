import PostgresNIO

/// A bound parameter (`$1`, `$2`...). Values always travel as parameters, never spliced into SQL.
/// NULL is sent untyped: the server infers its type from where it is used.
public enum PostgresValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bytes([UInt8])
    case bool(Bool)
    /// Arrays, for one statement over many rows (`unnest($1::bigint[], ...)`); no NULL elements.
    case ints([Int64])
    case doubles([Double])
    case texts([String])

    public init(_ value: Int64?) { self = value.map(PostgresValue.int) ?? .null }
    public init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }
    public init(_ value: Double?) { self = value.map(PostgresValue.double) ?? .null }
    public init(_ value: String?) { self = value.map(PostgresValue.text) ?? .null }
    public init(_ value: [UInt8]?) { self = value.map(PostgresValue.bytes) ?? .null }
    public init(_ value: Bool?) { self = value.map(PostgresValue.bool) ?? .null }

    func append(to bindings: inout PostgresBindings) {
        switch self {
        case .null: bindings.appendNull()
        case .int(let value): bindings.append(value)
        case .double(let value): bindings.append(value)
        case .text(let value): bindings.append(value)
        case .bytes(let value): bindings.append(ByteBuffer(bytes: value))
        case .bool(let value): bindings.append(value)
        case .ints(let values): bindings.append(values)
        case .doubles(let values): bindings.append(values)
        case .texts(let values): bindings.append(values)
        }
    }

    static func query(_ sql: String, _ binds: [PostgresValue]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds { value.append(to: &bindings) }
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}

extension PostgresValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}
