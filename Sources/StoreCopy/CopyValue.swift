import Crypto
import Foundation
import PostgresStorage

/// One column's value as both databases agree on it: booleans are 0/1 integers (SQLite keeps them
/// so), text is UTF-8, reals are exact doubles.
enum CopyValue: Sendable, Equatable {
    case null
    case int(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The bound parameter for a column of `kind` in PostgreSQL.
    func bind(_ kind: CopyTable.Kind) -> PostgresValue {
        switch (self, kind) {
        case (.null, _): return .null
        case (.int(let value), .bool): return .bool(value != 0)
        case (.int(let value), _): return .int(value)
        case (.real(let value), _): return .double(value)
        case (.text(let value), _): return .text(value)
        case (.blob(let value), _): return .bytes(value)
        }
    }

    /// The key part of a resume point (keys are integers or text).
    var keyPart: KeyPart? {
        switch self {
        case .int(let value): return .int(value)
        case .text(let value): return .text(value)
        default: return nil
        }
    }
}

/// A key value recorded in `bk_store_copy.last_key` (a JSON array of numbers and strings).
enum KeyPart: Codable, Sendable, Equatable {
    case int(Int64)
    case text(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int64.self) { self = .int(value) } else {
            self = .text(try container.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        }
    }

    var value: CopyValue {
        switch self {
        case .int(let value): return .int(value)
        case .text(let value): return .text(value)
        }
    }

    static func encode(_ key: [KeyPart]) -> String {
        String(decoding: (try? JSONEncoder().encode(key)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decode(_ text: String) -> [KeyPart]? {
        try? JSONDecoder().decode([KeyPart].self, from: Data(text.utf8))
    }
}

/// An order-independent digest of a table's rows: each row's canonical rendering is hashed
/// (SHA-256) and the first 16 bytes are added, as two 64-bit lanes, wrapping. Adding is what makes
/// it order-independent yet sensitive to a duplicated row (XOR would cancel it), and lets a copy
/// into a non-empty table be checked as after − before = source.
struct TableDigest: Sendable, Equatable {
    var rows: Int64 = 0
    var high: UInt64 = 0
    var low: UInt64 = 0

    mutating func add(_ row: [CopyValue]) {
        var hasher = SHA256()
        for value in row { Self.render(value, into: &hasher) }
        let bytes = Array(hasher.finalize())
        var first: UInt64 = 0, second: UInt64 = 0
        for index in 0..<8 {
            first = first << 8 | UInt64(bytes[index])
            second = second << 8 | UInt64(bytes[8 + index])
        }
        high &+= first
        low &+= second
        rows += 1
    }

    /// `self − other`: the rows added since `other` was taken.
    func minus(_ other: TableDigest) -> TableDigest {
        TableDigest(rows: rows - other.rows, high: high &- other.high, low: low &- other.low)
    }

    var hex: String { String(format: "%016llx%016llx", high, low) }

    init(rows: Int64 = 0, high: UInt64 = 0, low: UInt64 = 0) {
        self.rows = rows
        self.high = high
        self.low = low
    }

    /// From `hex` as written by `hex`, with its row count.
    init?(rows: Int64, hex: String) {
        guard hex.count == 32, let high = UInt64(hex.prefix(16), radix: 16), let low = UInt64(hex.suffix(16), radix: 16)
        else { return nil }
        self.init(rows: rows, high: high, low: low)
    }

    /// Type tag, then a length where a value's end would be ambiguous: no two rows render alike.
    private static func render(_ value: CopyValue, into hasher: inout SHA256) {
        switch value {
        case .null:
            hasher.update(data: [0x4E])
        case .int(var number):
            hasher.update(data: [0x49])
            withUnsafeBytes(of: &number) { hasher.update(bufferPointer: $0) }
        case .real(let number):
            var bits = number.bitPattern
            hasher.update(data: [0x52])
            withUnsafeBytes(of: &bits) { hasher.update(bufferPointer: $0) }
        case .text(let text):
            var length = UInt64(text.utf8.count)
            hasher.update(data: [0x54])
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(data: Array(text.utf8))
        case .blob(let bytes):
            var length = UInt64(bytes.count)
            hasher.update(data: [0x42])
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
    }
}
