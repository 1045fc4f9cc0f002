/// Where a reader of changing rows got to (for PostgreSQL, the oldest transaction still running
/// when it read): every row written after it carries a later mark. A web replica keeps one per
/// table it follows (docs/scale-out.md, "Web replicas").
public struct ChangeMark: Sendable, Hashable {
    public let value: UInt64
    public init(_ value: UInt64) { self.value = value }
}

/// Rows changed since a mark, and the mark for the next read.
public struct Changes<Row: Sendable>: Sendable {
    public var rows: [Row]
    /// For the next read; nil when the store cannot tell changes apart.
    public var mark: ChangeMark?
    /// Whether `rows` is everything (replace what you hold) or only what changed (merge).
    public var complete: Bool
    public init(rows: [Row], mark: ChangeMark?, complete: Bool) {
        self.rows = rows
        self.mark = mark
        self.complete = complete
    }
}
