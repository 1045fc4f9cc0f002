/// The stores the suites that cover every backend run against: SQLite, and a fresh database on the
/// test process's throw-away PostgreSQL server (`ThrowawayPostgres.shared()`).
public enum StoreBackend: String, CaseIterable, Sendable {
    case sqlite
    case postgres
}
