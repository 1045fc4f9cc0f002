/// Migration "v2-ledgers": the kitchen ledgers' chain and signed day heads, the twins of SQLite's
/// "v10-ledgers" (docs/ledgers.md). Triggers refuse UPDATE, DELETE and TRUNCATE of entries and any
/// head move other than forward, for every role: corrections are new entries.
enum PostgresSchemaLedgers {
    static let statements: [String] = [
        """
        CREATE TABLE ledger_entry (
            site text NOT NULL,
            seq bigint NOT NULL,
            kind text NOT NULL,
            at_ms bigint NOT NULL,
            recorded_ms bigint NOT NULL,
            source text NOT NULL,
            corrects bigint,
            body text NOT NULL,
            prev text NOT NULL,
            hash text NOT NULL,
            PRIMARY KEY (site, seq)
        )
        """,
        "CREATE INDEX ledger_entry_by_time ON ledger_entry (site, at_ms)",
        "CREATE INDEX ledger_entry_by_kind ON ledger_entry (site, kind, seq)",
        """
        CREATE TABLE ledger_head (
            site text NOT NULL,
            day text NOT NULL,
            seq bigint NOT NULL,
            hash text NOT NULL,
            key_id text NOT NULL,
            signature text NOT NULL,
            PRIMARY KEY (site, day)
        )
        """,
        """
        CREATE FUNCTION bk_ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'ledger entries are append-only: record a correction instead';
        END
        $$
        """,
        """
        CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
        FOR EACH ROW EXECUTE FUNCTION bk_ledger_entry_append_only()
        """,
        """
        CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_entry
        FOR EACH STATEMENT EXECUTE FUNCTION bk_ledger_entry_append_only()
        """,
        """
        CREATE FUNCTION bk_ledger_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'UPDATE' OR NEW.seq <= OLD.seq OR NEW.site <> OLD.site OR NEW.day <> OLD.day THEN
                RAISE EXCEPTION 'a ledger day head only moves forward and is never deleted';
            END IF;
            RETURN NEW;
        END
        $$
        """,
        """
        CREATE TRIGGER ledger_head_forward_only BEFORE UPDATE OR DELETE ON ledger_head
        FOR EACH ROW EXECUTE FUNCTION bk_ledger_head_forward_only()
        """,
        """
        CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head
        FOR EACH STATEMENT EXECUTE FUNCTION bk_ledger_head_forward_only()
        """,
    ]
}
