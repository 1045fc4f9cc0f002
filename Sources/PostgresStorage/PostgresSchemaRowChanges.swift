/// Migration "v12-row-changes" (PostgreSQL only; docs/scale-out.md, "Web replicas"): every `device`
/// and `alarm` row carries the id of the transaction that last wrote it, so a web replica reads only
/// the rows changed since its last refresh (`PostgresStore.deviceSnapshots(changedSince:)`,
/// `alarms(changedSince:)`) instead of every device and open alarm every second.
///
/// A trigger, not the writers' SQL, sets it, so no writer can forget it. Not indexed: an index on a
/// column every update changes would end HOT updates of the province's busiest table, and a scan
/// of the narrow column is cheap beside sending every row.
enum PostgresSchemaRowChanges {
    static let statements: [String] = [
        """
        CREATE FUNCTION bk_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.changed_xid := pg_current_xact_id();
            RETURN NEW;
        END
        $$
        """,
    ] + ["device", "alarm"].flatMap { table in
        [
            "ALTER TABLE \(table) ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id()",
            "CREATE TRIGGER \(table)_changed BEFORE UPDATE ON \(table) FOR EACH ROW EXECUTE FUNCTION bk_row_changed()",
        ]
    }
}
