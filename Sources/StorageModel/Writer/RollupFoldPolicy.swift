import KitchenModel

/// What both stores agree on about thermometer rollups of open hours (SQLite's
/// `RollupMaterializer`, PostgreSQL's `PostgresRollupFold`): they are folded into `rollup_hourly`
/// once their hour has closed, and readers compute open hours from raw readings.
public enum RollupFoldPolicy {
    /// The `gateway_meta` key holding the first hour not yet folded. `store copy` leaves it behind,
    /// so a copied database starts like a store no writer of this version has touched.
    public static let metaKey = "rollup_materialized_hour"
    /// An hour is folded this long after it ends, so a device whose clock or queue lags a little
    /// still lands in the fold rather than in a late upsert.
    public static let grace: EpochMillis = 120_000
    /// The folded metrics; they are `reading` columns of the same names in both schemas.
    public static let metrics = ["t", "rh"]
}
