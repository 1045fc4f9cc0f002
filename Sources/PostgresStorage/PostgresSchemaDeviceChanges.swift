/// Migration "v12-device-changes" (PostgreSQL only; docs/scale-out.md, "Web replicas"): every
/// `device` row carries the id of the transaction that last wrote it, so a web replica reads only
/// the rows changed since its last refresh (`PostgresStore.deviceSnapshots(changedSince:)`) instead
/// of every device every second.
///
/// A trigger, not the writers' SQL, sets it, so no writer can forget it. Not indexed: an index on a
/// column every update changes would end HOT updates of the province's busiest table, and a scan
/// of the narrow column is cheap beside sending every row.
enum PostgresSchemaDeviceChanges {
    static let statements: [String] = [
        "ALTER TABLE device ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id()",
        """
        CREATE FUNCTION bk_device_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.changed_xid := pg_current_xact_id();
            RETURN NEW;
        END
        $$
        """,
        """
        CREATE TRIGGER device_changed BEFORE UPDATE ON device
        FOR EACH ROW EXECUTE FUNCTION bk_device_changed()
        """,
    ]
}
