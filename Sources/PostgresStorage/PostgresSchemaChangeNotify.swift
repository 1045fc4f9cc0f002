/// Migration "v10-change-notify" (PostgreSQL only; docs/scale-out.md, "Web replicas").
///
/// - Every change of a batch row (created, re-inspected, certified, recalled), by whichever
///   process made it, sends `NOTIFY bk_batch, '<batch id>'` at its commit: web replicas drop that
///   batch from their lookup caches at once instead of after a TTL.
/// - `alarm_action_request`: an alarm action taken on a web replica, waiting for the shard owner
///   of its site (the only process holding the alarm's live state) to apply it and answer. Its
///   insert sends `NOTIFY bk_alarm_request, '<site>'`; the answer `NOTIFY bk_alarm_answer, '<id>'`.
enum PostgresSchemaChangeNotify {
    static let statements: [String] = [
        """
        CREATE FUNCTION bk_notify_batch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('bk_batch', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER batch_notify AFTER INSERT OR UPDATE OR DELETE ON batch
        FOR EACH ROW EXECUTE FUNCTION bk_notify_batch()
        """,
        """
        CREATE TABLE alarm_action_request (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            alarm_id text NOT NULL,
            site text NOT NULL,
            action text NOT NULL,
            actor text NOT NULL,
            note text,
            rectify_action text,
            evidence text NOT NULL DEFAULT '[]',
            state text NOT NULL DEFAULT 'pending',
            answer text,
            created_at timestamptz NOT NULL DEFAULT now(),
            answered_at timestamptz
        )
        """,
        "CREATE INDEX alarm_action_request_pending ON alarm_action_request (site, id) WHERE state = 'pending'",
        """
        CREATE FUNCTION bk_notify_alarm_request() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM pg_notify('bk_alarm_request', NEW.site);
            ELSIF OLD.state = 'pending' AND NEW.state <> 'pending' THEN
                PERFORM pg_notify('bk_alarm_answer', NEW.id::text);
            END IF;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER alarm_action_request_notify AFTER INSERT OR UPDATE ON alarm_action_request
        FOR EACH ROW EXECUTE FUNCTION bk_notify_alarm_request()
        """,
    ]
}
